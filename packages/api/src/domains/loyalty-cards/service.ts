// The domain's public face: what other domains may import.
export { issueLoyaltyCards, listIssuedCards, revokeIssuedCard } from './service/issued-cards';
export {
  addWalletCard,
  getWalletCard,
  listWalletCards,
  removeWalletCard,
  updateWalletCard,
} from './service/wallet-cards';
export { googleWalletLink, loyaltyObject } from './service/google-wallet';
