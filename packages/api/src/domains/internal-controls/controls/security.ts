import { sql } from 'kysely';
import { defineControl, startOfDay } from './define';
import type { ControlClock } from './define';

function roleGrantedToday(roleKey: string, clock: ControlClock) {
  return sql<{ id: string }>`
    select ur.user_id::text as id from user_roles ur
    join roles r on r.id = ur.role_id
    where r.system_key = ${roleKey} and ur.assigned_at >= ${startOfDay(clock)}`;
}

export const SECURITY_CONTROLS = [
  defineControl({
    id: 'sec.platform-admins-added-today',
    title: 'Platform-admin rights granted today are few and known',
    category: 'security',
    owner: 'platform_admin',
    metric: 'users given the platform_admin role today',
    thresholds: { amber: 1, red: 2 },
    offenders: (clock) => roleGrantedToday('platform_admin', clock),
  }),
  defineControl({
    id: 'sec.cfo-added-today',
    title: 'CFO rights granted today are known',
    category: 'security',
    owner: 'platform_admin',
    metric: 'users given the cfo role (who approve RED controls) today',
    thresholds: { amber: 1, red: 2 },
    offenders: (clock) => roleGrantedToday('cfo', clock),
  }),
  defineControl({
    id: 'sec.finance-added-today',
    title: 'Finance rights granted today are known',
    category: 'security',
    owner: 'platform_admin',
    metric: 'users given the finance role today',
    thresholds: { amber: 1, red: 3 },
    offenders: (clock) => roleGrantedToday('finance', clock),
  }),
  defineControl({
    id: 'sec.otp-locks-today',
    title: 'Few door codes were locked by wrong tries today',
    category: 'security',
    owner: 'operator',
    metric: 'sessions whose OTP locked after too many wrong codes today',
    thresholds: { amber: 1, red: 10 },
    offenders: (clock) => sql`
      select id::text as id from payment_sessions where otp_locked_at >= ${startOfDay(clock)}`,
  }),
  defineControl({
    id: 'sec.removed-users-with-roles',
    title: 'Removed and disabled users hold no operator roles',
    category: 'security',
    owner: 'platform_admin',
    metric: 'removed or disabled operator users still holding a role',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select distinct u.id::text as id from users u
      join organizations o on o.id = u.organization_id
      join user_roles ur on ur.user_id = u.id
      where o.type = 'operator' and (u.removed_at is not null or u.status = 'disabled')`,
  }),
];
