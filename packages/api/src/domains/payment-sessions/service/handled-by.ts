import { sql } from 'kysely';

export interface ActingPartner {
  id: string;
  name: string;
}

/** The session columns that say which partner user last released or moved the parcel, and when. */
export function handledBy(actor: { userId: string }, partner: ActingPartner) {
  return {
    handled_by_user_id: actor.userId,
    handled_by_partner_id: partner.id,
    handled_at: sql<Date>`now()`,
  };
}

/** What a session event says about the carrier partner whose user acted; nulls when IPAY or the merchant did. */
export function actingPartnerFields(partner: ActingPartner | null) {
  return { partnerId: partner?.id ?? null, partnerName: partner?.name ?? null };
}
