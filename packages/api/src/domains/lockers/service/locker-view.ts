import { formatDate, type Language, type Translate } from '../../../pages/i18n';
import type { ConsumerLocker } from '../schemas';

/**
 * A locker as a page shows it (the pay page, the consumer's parcels): where the parcel waits and, while it can be
 * used, its pickup code; a parcel still to be paid gets no code (pay on delivery: the code hands it over).
 */
export function lockerView(locker: ConsumerLocker | null, t: Translate, language: Language) {
  if (!locker) return null;
  const where = t('pay.locker.where', { locker: locker.locker_name, compartment: locker.compartment });
  if (locker.status === 'COLLECTED')
    return { where, code: null, note: t('pay.locker.collected', { locker: locker.locker_name }) };
  if (locker.status === 'ISSUED' && !locker.pickup_code)
    return { where, code: null, note: t('pay.locker.payFirst') };
  if (locker.status === 'EXPIRED' || !locker.pickup_code) {
    return { where, code: null, note: t('pay.locker.expired', { locker: locker.locker_name }) };
  }
  return {
    where,
    code: { digits: locker.pickup_code, spoken: locker.pickup_code.split('').join(' ') },
    note: t('pay.locker.before', { date: formatDate(language, locker.expires_at) }),
  };
}
