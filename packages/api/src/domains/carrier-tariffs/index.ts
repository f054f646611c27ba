import { defineDomain } from '../../platform/domain';
import { grant, READ } from '../rbac/service';
import { CARRIER_TARIFFS_EVENTS } from './events';
import { carrierTariffsRouter } from './router';
import { tariffImportRoute, tariffTemplateRoute } from './routes';
import { watchTariffStamp } from './service/tariff-stamp';

export const carrierTariffsDomain = defineDomain({
  name: 'carrier-tariffs',
  trpc: { carrierTariffs: carrierTariffsRouter },
  routes: [tariffTemplateRoute, tariffImportRoute],
  events: CARRIER_TARIFFS_EVENTS,
  // Each API process holds the tariff stamp, dropped when the database announces a tariff change.
  companions: [watchTariffStamp],
  // Merchants preview what their shipments would cost; the tariffs themselves stay the operators'.
  grants: {
    merchant_admin: grant(['cost_previews'], READ, 'organization'),
    merchant_user: grant(['cost_previews'], READ, 'organization'),
  },
});
