import { router } from '../../trpc/init';
import {
  permittedProcedure,
  publicProcedure,
  rateLimitedByIp,
  rateLimitedByUser,
} from '../../trpc/procedures';
import { PageInput } from '../../platform/pagination-schemas';
import {
  ActivateCardInput,
  ActivatedCard,
  BenefitOrder,
  BenefitOrderPage,
  BudgetTransaction,
  BudgetTransactionPage,
  CardIdInput,
  CreateOrderWithMemberInput,
  CreateOrderWithMemberOutput,
  CreateProductInput,
  CreateProgramInput,
  CreateSponsorInput,
  CreateSponsorUserInput,
  DeactivateCardInput,
  ReplaceCardInput,
  ExternalTransactionIdInput,
  ListBenefitOrdersInput,
  ListBudgetTransactionsInput,
  ListProgramsInput,
  ListSmsOutboxInput,
  ListSponsorsInput,
  ListSponsorUsersInput,
  OrderIdInput,
  OrganizationIdInput,
  Product,
  ProductPage,
  ProgramIdInput,
  Program,
  ProgramPage,
  ProgramWithSecret,
  SignInInput,
  SignInOutput,
  SmsPage,
  Sponsor,
  SponsorPage,
  SponsorUser,
  SponsorUserAccount,
  SponsorUserIdInput,
  SponsorUserPage,
  TopUpBudgetInput,
  UpdateProgramInput,
} from './schemas';
import { listBudgetTransactions, topUpBudget } from './service/budget';
import { activateCard, deactivateCard, replaceCard, resendCard } from './service/cards';
import { createOrderWithMember } from './service/create-order';
import { getBenefitOrder, getBenefitOrderByExternalTransactionId, listBenefitOrders } from './service/orders';
import { cancelScheduledOrder } from './service/process-order';
import {
  createProduct,
  createProgram,
  createSponsorUser,
  getProgram,
  listProducts,
  listPrograms,
  rotateProgramWebhookSecret,
} from './service/setup';
import { signInSponsorUser } from './service/sign-in';
import { listSmsOutbox } from './service/sms-outbox';
import { listSponsorUsers, setSponsorUserStatus } from './service/sponsor-users';
import { createSponsor, getSponsor, listSponsors } from './service/sponsors';
import { updateProgram } from './service/update-program';

const contract = ['iqpay'];
const tags = ['benefit-cards'];
const RESENDS_PER_HOUR_PER_USER = 30;
const ACTIVATIONS_PER_MINUTE_PER_IP = 20;

/** The iQpay contract paths (outside /api, exactly as sponsors' integrations call them). */
const contractProcedures = {
  signIn: publicProcedure
    .meta({
      idempotent: false,
      openapi: {
        method: 'POST',
        path: '/identity/Auth/SignIn',
        tags: contract,
        protect: false,
        summary: 'Sign in (iQpay)',
        description: 'A sponsor user’s username and password for a bearer token. Attempts are rate-limited.',
        errorResponses: [400, 401, 429],
      },
    })
    .input(SignInInput)
    .output(SignInOutput)
    .mutation(({ ctx, input }) =>
      signInSponsorUser(
        ctx.db,
        { keyring: ctx.keyring, limits: ctx.config.loginRateLimit, clientIp: ctx.ip },
        input,
      ),
    ),

  createOrderWithMember: permittedProcedure('benefit_cards', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/organization/Sponsor/Order/CreateOrderWithMember',
        tags: contract,
        summary: 'Create an order for a member (iQpay)',
        description:
          'Issues one card per product and delivers it by the program’s channel, now or at `processingDate`. The same `externalTransactionId` again returns the first order and issues nothing.',
        errorResponses: [400, 401, 403, 422],
      },
    })
    .input(CreateOrderWithMemberInput)
    .output(CreateOrderWithMemberOutput)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => createOrderWithMember(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),
};

/** Operator onboarding: sponsors, their users, products, programs and budgets. */
const setupProcedures = {
  createSponsor: permittedProcedure('benefit_cards', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/benefit-cards/sponsors',
        tags,
        summary: 'Create a sponsor organization (operators)',
        errorResponses: [400, 401, 403],
      },
    })
    .input(CreateSponsorInput)
    .output(Sponsor)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => createSponsor(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),

  createSponsorUser: permittedProcedure('benefit_cards', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/benefit-cards/sponsor-users',
        tags,
        summary: 'Create a sponsor user with a username (operators)',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(CreateSponsorUserInput)
    .output(SponsorUser)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => createSponsorUser(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),

  listProducts: permittedProcedure('benefit_cards', 'read')
    .meta({
      openapi: { method: 'GET', path: '/api/benefit-cards/products', tags, summary: 'Products, by code' },
    })
    .input(PageInput)
    .output(ProductPage)
    .query(({ ctx, input }) => listProducts(ctx.db, input)),

  createProduct: permittedProcedure('benefit_cards', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/benefit-cards/products',
        tags,
        summary: 'Create a product (operators)',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(CreateProductInput)
    .output(Product)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => createProduct(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),

  listPrograms: permittedProcedure('benefit_cards', 'read')
    .meta({
      openapi: { method: 'GET', path: '/api/benefit-cards/programs', tags, summary: 'Programs you can see' },
    })
    .input(ListProgramsInput)
    .output(ProgramPage)
    .query(({ ctx, input }) => listPrograms(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  createProgram: permittedProcedure('benefit_cards', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/benefit-cards/programs',
        tags,
        summary: 'Create a program (operators)',
        description: 'A webhook program’s signing secret is in this response only.',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(CreateProgramInput)
    .output(ProgramWithSecret)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) =>
        createProgram(trx, {
          actor: ctx.actor,
          scope: ctx.scope,
          input,
          settings: {
            encryptionKey: ctx.encryptionKey,
            allowPrivateUrls: ctx.config.webhooks.allowPrivateUrls,
          },
        }),
      ),
    ),

  rotateProgramWebhookSecret: permittedProcedure('benefit_cards', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/benefit-cards/programs/{programId}/rotate-webhook-secret',
        tags,
        summary: 'Issue a webhook program a new signing secret (operators)',
        description:
          'The new secret is in this response only. The previous one keeps signing beside it for 24 hours, ' +
          'so the receiver can switch without refusing a delivery.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(ProgramIdInput)
    .output(ProgramWithSecret)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) =>
        rotateProgramWebhookSecret(trx, {
          actor: ctx.actor,
          scope: ctx.scope,
          programId: input.programId,
          settings: { encryptionKey: ctx.encryptionKey },
        }),
      ),
    ),

  getProgram: permittedProcedure('benefit_cards', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/benefit-cards/programs/{programId}',
        tags,
        summary: 'One program with its budget',
      },
    })
    .input(ProgramIdInput)
    .output(Program)
    .query(({ ctx, input }) =>
      getProgram(ctx.db, { actor: ctx.actor, scope: ctx.scope, programId: input.programId }),
    ),

  topUpBudget: permittedProcedure('benefit_cards', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/benefit-cards/programs/{programId}/budget/top-ups',
        tags,
        summary: 'Add to a program’s budget (operators)',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(TopUpBudgetInput)
    .output(BudgetTransaction)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) => topUpBudget(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),

  listBudgetTransactions: permittedProcedure('benefit_cards', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/benefit-cards/programs/{programId}/budget/transactions',
        tags,
        summary: 'A program’s budget transactions, oldest first',
      },
    })
    .input(ListBudgetTransactionsInput)
    .output(BudgetTransactionPage)
    .query(({ ctx, input }) => listBudgetTransactions(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  listSmsOutbox: permittedProcedure('benefit_cards', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/benefit-cards/sms-outbox',
        tags,
        summary: 'SMS sent or kept in the outbox (operators)',
      },
    })
    .input(ListSmsOutboxInput)
    .output(SmsPage)
    .query(({ ctx, input }) => listSmsOutbox(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),
};

/**
 * Operators look after sponsors, their users and programs; a sponsor admin manages their own organization's
 * users. Sponsor users are governed by the `users` permission (what the sponsor roles hold for accounts).
 */
const managementProcedures = {
  listSponsors: permittedProcedure('benefit_cards', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/benefit-cards/sponsors',
        tags,
        summary: 'Sponsors, by name (operators)',
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListSponsorsInput)
    .output(SponsorPage)
    .query(({ ctx, input }) => listSponsors(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  getSponsor: permittedProcedure('benefit_cards', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/benefit-cards/sponsors/{organizationId}',
        tags,
        summary: 'One sponsor (operators; a sponsor’s users their own)',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(OrganizationIdInput)
    .output(Sponsor)
    .query(({ ctx, input }) =>
      getSponsor(ctx.db, { actor: ctx.actor, scope: ctx.scope, organizationId: input.organizationId }),
    ),

  listSponsorUsers: permittedProcedure('users', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/benefit-cards/sponsor-users',
        tags,
        summary: 'Sponsor users, oldest first (operators: all; sponsor admins: their organization’s)',
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListSponsorUsersInput)
    .output(SponsorUserPage)
    .query(({ ctx, input }) => listSponsorUsers(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  disableSponsorUser: permittedProcedure('users', 'update')
    .meta({
      changesAccess: true,
      openapi: {
        method: 'POST',
        path: '/api/benefit-cards/sponsor-users/{userId}/disable',
        tags,
        summary: 'Disable a sponsor user: no sign-in, earlier tokens stop working',
        description: 'Disabling a disabled user changes nothing. Nobody disables themselves.',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(SponsorUserIdInput)
    .output(SponsorUserAccount)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) =>
        setSponsorUserStatus(trx, {
          actor: ctx.actor,
          scope: ctx.scope,
          userId: input.userId,
          status: 'disabled',
        }),
      ),
    ),

  enableSponsorUser: permittedProcedure('users', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/benefit-cards/sponsor-users/{userId}/enable',
        tags,
        summary: 'Enable a disabled sponsor user again',
        description: 'Enabling an active user changes nothing.',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(SponsorUserIdInput)
    .output(SponsorUserAccount)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) =>
        setSponsorUserStatus(trx, {
          actor: ctx.actor,
          scope: ctx.scope,
          userId: input.userId,
          status: 'active',
        }),
      ),
    ),

  updateProgram: permittedProcedure('benefit_cards', 'update')
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/api/benefit-cards/programs/{programId}',
        tags,
        summary: 'Change, archive or restore a program (operators)',
        description:
          'Only the fields sent change. `active: false` archives the program: CreateOrderWithMember refuses ' +
          'it with a 422 naming `programCode`. The delivery channel cannot be changed.',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(UpdateProgramInput)
    .output(Program)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) =>
        updateProgram(trx, {
          actor: ctx.actor,
          scope: ctx.scope,
          input,
          settings: {
            encryptionKey: ctx.encryptionKey,
            allowPrivateUrls: ctx.config.webhooks.allowPrivateUrls,
          },
        }),
      ),
    ),
};

/** The sponsor's own orders and cards (beyond iQpay); another sponsor's are a 404. */
const sponsorProcedures = {
  listOrders: permittedProcedure('benefit_cards', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/benefit-cards/orders',
        tags,
        summary: 'Orders, newest first, with their cards',
      },
    })
    .input(ListBenefitOrdersInput)
    .output(BenefitOrderPage)
    .query(({ ctx, input }) => listBenefitOrders(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  getOrderByExternalTransactionId: permittedProcedure('benefit_cards', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/benefit-cards/orders/by-external-transaction-id/{externalTransactionId}',
        tags,
        summary: 'Your order by its externalTransactionId',
      },
    })
    .input(ExternalTransactionIdInput)
    .output(BenefitOrder)
    .query(({ ctx, input }) =>
      getBenefitOrderByExternalTransactionId(ctx.db, {
        actor: ctx.actor,
        scope: ctx.scope,
        externalTransactionId: input.externalTransactionId,
      }),
    ),

  getOrder: permittedProcedure('benefit_cards', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/benefit-cards/orders/{id}',
        tags,
        summary: 'One order with each card’s delivery status and events',
      },
    })
    .input(OrderIdInput)
    .output(BenefitOrder)
    .query(({ ctx, input }) => getBenefitOrder(ctx.db, { actor: ctx.actor, scope: ctx.scope, id: input.id })),

  cancelOrder: permittedProcedure('benefit_cards', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/benefit-cards/orders/{id}/cancel',
        tags,
        summary: 'Cancel an order held for its processingDate',
        description: 'Its cards are deactivated and their value goes back to the budget.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(OrderIdInput)
    .output(BenefitOrder)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute(async (trx) => {
        const request = { actor: ctx.actor, scope: ctx.scope };
        await cancelScheduledOrder(trx, { ...request, orderId: input.id });
        return getBenefitOrder(trx, { ...request, id: input.id });
      }),
    ),

  resendCard: permittedProcedure('benefit_cards', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/benefit-cards/cards/{cardId}/resend',
        tags,
        summary: 'Send a card to its member again',
        errorResponses: [400, 401, 403, 404, 409, 429],
      },
    })
    .use(rateLimitedByUser('benefit-card-resend', RESENDS_PER_HOUR_PER_USER, 3600))
    .input(CardIdInput)
    .output(BenefitOrder)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute(async (trx) => {
        const request = { actor: ctx.actor, scope: ctx.scope };
        const { orderId } = await resendCard(trx, { ...request, cardId: input.cardId });
        return getBenefitOrder(trx, { ...request, id: orderId });
      }),
    ),

  replaceCard: permittedProcedure('benefit_cards', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/benefit-cards/cards/{cardId}/replace',
        tags,
        summary: 'Replace a card not activated yet with a new card and code',
        description:
          'The old card becomes `replaced` and cannot be activated; the new one (same product and value, ' +
          '`replacesCardId` pointing back) goes to the same member over the program channel. The budget does ' +
          'not move. An activated card is a 409: deactivate it instead.',
        errorResponses: [400, 401, 403, 404, 409, 429],
      },
    })
    .use(rateLimitedByUser('benefit-card-replace', RESENDS_PER_HOUR_PER_USER, 3600))
    .input(ReplaceCardInput)
    .output(BenefitOrder)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute(async (trx) => {
        const request = { actor: ctx.actor, scope: ctx.scope };
        const { orderId } = await replaceCard(trx, {
          ...request,
          cardId: input.cardId,
          reason: input.reason,
        });
        return getBenefitOrder(trx, { ...request, id: orderId });
      }),
    ),

  deactivateCard: permittedProcedure('benefit_cards', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/benefit-cards/cards/{cardId}/deactivate',
        tags,
        summary: 'Deactivate a card for good',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(DeactivateCardInput)
    .output(BenefitOrder)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute(async (trx) => {
        const request = { actor: ctx.actor, scope: ctx.scope };
        const { orderId } = await deactivateCard(trx, {
          ...request,
          cardId: input.cardId,
          reason: input.reason,
        });
        return getBenefitOrder(trx, { ...request, id: orderId });
      }),
    ),

  activateCard: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/cards/{code}/activate',
        tags,
        protect: false,
        summary: 'Activate a card with its activation code (the member’s link)',
        description: 'Once per card: an unknown code is a 404, a used one a 409.',
        errorResponses: [400, 404, 409, 429],
      },
    })
    .use(rateLimitedByIp('card-activation', ACTIVATIONS_PER_MINUTE_PER_IP, 60))
    .input(ActivateCardInput)
    .output(ActivatedCard)
    .mutation(({ ctx, input }) => ctx.db.transaction().execute((trx) => activateCard(trx, input.code))),
};

export const benefitCardsRouter = router({
  ...contractProcedures,
  ...setupProcedures,
  ...managementProcedures,
  ...sponsorProcedures,
});
