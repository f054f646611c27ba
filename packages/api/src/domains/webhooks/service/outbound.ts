/**
 * What other domains use to send signed webhooks of their own (a benefit-card program's deliveries) the way
 * merchant webhooks are sent, and to hold an outbound URL they call to the same rule: one signing scheme, one
 * attempt log, one retry window, one secret rotation, one URL guard.
 */
export { logDeliveryAttempt, settleDelivery, type DeliveryAttempt } from '../delivery-bookkeeping';
export { retryWithinWindow } from '../retry-schedule';
export { openSigningSecrets, previousSecretExpiry, previousSecretValid } from '../secret-rotation';
export { postSignedWebhook } from '../signed-post';
export { generateSigningSecret } from '../signing';
export { assertPublicUrl, publicOnlyLookup, UrlRefusedError } from '../url-guard';
