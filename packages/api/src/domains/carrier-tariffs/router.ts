import { z } from 'zod';
import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import { typedOutput } from '../../trpc/typed-output';
import type { Action } from '../rbac/catalogue';
import {
  CarrierCostPreviewInput,
  CarrierInput,
  CostPreview,
  CostPreviewInput,
  FuelSurcharge,
  FuelSurchargePage,
  ListCarriersInput,
  ListFuelInput,
  ListVersionsInput,
  ServiceInput,
  SetFuelInput,
  TariffCarrier,
  TariffCarrierPage,
  TariffService,
  TariffVersion,
  TariffVersionPage,
  VersionInput,
} from './schemas';
import { previewCosts } from './service/compute-shipment-cost';
import { listFuelHistory, setFuelSurcharge } from './service/fuel';
import {
  assertTariffReach,
  getCarrier,
  getService,
  getVersion,
  listCarriers,
  listServices,
  listVersions,
} from './service/read-tariffs';

const tags = ['carrier-tariffs'];
const base = '/api/admin/carrier-tariffs';

/** Tariffs are the platform's, not an organization's: only a grant on all organizations reaches them. */
function tariffProcedure(action: Action) {
  return permittedProcedure('carrier_tariffs', action).use(({ ctx, next }) => {
    assertTariffReach(ctx.scope);
    return next();
  });
}

/** Operators read and maintain tariffs and fuel; merchants (cost_previews) may preview costs. */
export const carrierTariffsRouter = router({
  listCarriers: tariffProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: base,
        tags,
        summary: 'Tariff carriers with their services (operators)',
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListCarriersInput)
    .output(TariffCarrierPage)
    .query(({ ctx, input }) => listCarriers(ctx.db, input)),

  costPreview: permittedProcedure('cost_previews', 'read')
    .meta({
      openapi: {
        method: 'POST',
        path: `${base}/cost-preview`,
        tags,
        summary: 'What a shipment costs with every carrier × service in force, cheapest first',
        description:
          'Each item is the engine’s breakdown: actual, volumetric and chargeable weight, zone, weight break, base, each surcharge, the fuel base, rate and IPAY discount, the total, and the tariff version used (the one in force on `shipDate`). Money in minor units; rates as exact decimal strings. Merchants may call it (permission cost_previews:read).',
        errorResponses: [400, 401, 403],
      },
    })
    .input(CostPreviewInput)
    .output(typedOutput(CostPreview))
    .mutation(({ ctx, input }) => previewCosts(ctx.db, input, { heldStamp: true })),

  getCarrier: tariffProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: `${base}/{carrier}`,
        tags,
        summary: 'One tariff carrier with its services (operators)',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(CarrierInput)
    .output(TariffCarrier)
    .query(({ ctx, input }) => getCarrier(ctx.db, input.carrier)),

  carrierCostPreview: permittedProcedure('cost_previews', 'read')
    .meta({
      openapi: {
        method: 'POST',
        path: `${base}/{carrier}/cost-preview`,
        tags,
        summary: 'What a shipment costs with one carrier’s services, cheapest first',
        errorResponses: [400, 401, 403],
      },
    })
    .input(CarrierCostPreviewInput)
    .output(typedOutput(CostPreview))
    .mutation(({ ctx, input }) => {
      const { carrier, ...shipment } = input;
      return previewCosts(ctx.db, { ...shipment, carriers: [carrier] }, { heldStamp: true });
    }),

  listServices: tariffProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: `${base}/{carrier}/services`,
        tags,
        summary: 'A carrier’s services (operators)',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(CarrierInput)
    .output(z.object({ items: z.array(TariffService) }))
    .query(async ({ ctx, input }) => ({ items: await listServices(ctx.db, input.carrier) })),

  getService: tariffProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: `${base}/{carrier}/services/{service}`,
        tags,
        summary: 'One service of a carrier (operators)',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(ServiceInput)
    .output(TariffService)
    .query(({ ctx, input }) => getService(ctx.db, input.carrier, input.service)),

  listVersions: tariffProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: `${base}/{carrier}/versions`,
        tags,
        summary: 'A carrier’s tariff versions, newest import first (operators)',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(ListVersionsInput)
    .output(TariffVersionPage)
    .query(({ ctx, input }) => listVersions(ctx.db, input)),

  getVersion: tariffProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: `${base}/{carrier}/versions/{id}`,
        tags,
        summary: 'One tariff version with its zones, breaks, surcharges and remote areas (operators)',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(VersionInput)
    .output(TariffVersion)
    .query(({ ctx, input }) => getVersion(ctx.db, input.carrier, input.id)),

  listFuel: tariffProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: `${base}/{carrier}/fuel`,
        tags,
        summary: 'A carrier’s fuel surcharge history, newest entry first (operators)',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(ListFuelInput)
    .output(FuelSurchargePage)
    .query(({ ctx, input }) => listFuelHistory(ctx.db, input)),

  setFuel: tariffProcedure('update')
    .meta({
      openapi: {
        method: 'PUT',
        path: `${base}/{carrier}/fuel`,
        tags,
        summary: 'Set a carrier’s fuel surcharge from a date: published %, IPAY discount and how it is taken',
        description:
          'Adds an entry to the fuel history (who, when, why); the entry in force on a ship date is the newest with `effectiveFrom` on or before it. Sending the newest entry of that date again adds nothing.',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(SetFuelInput)
    .output(FuelSurcharge)
    .mutation(({ ctx, input }) => setFuelSurcharge(ctx.db, { input, userId: ctx.actor.userId })),
});
