// The consumer domain's public face: what other domains and the platform use (`consumerProcedure` reads
// `consumerForToken`; the wallet keys its accounts on `SignedInConsumer.id`).
export {
  consumerForToken,
  getConsumer,
  purgeEndedSignIns,
  signOutConsumer,
  type SignedInConsumer,
} from './service/sessions';
export {
  MAGIC_LINK_REDEEM_LIMIT,
  MAGIC_LINK_REQUEST_LIMITS,
  MAGIC_LINK_TTL_MINUTES,
  magicLinkUrl,
  magicLinkUsable,
  redeemMagicLink,
  requestMagicLink,
} from './service/magic-link';
export { listConsumerParcels } from './service/parcels';
// The consumer's page session, for pages other domains serve under `/consumer` (the return form).
export { CONSUMER_COOKIE, consumerOfCookie } from './pages/session-cookie';
