/** The server owns the price: the charge is the catalog sum, and the client's total must match it. */
import { AppError } from '../../../../common/errors';
import { checkChargeable, formatMinor, type CurrencyRule } from '../../../../common/money';
import type { CatalogEntry } from '../catalog/catalog-client';

export function priceOf(pluginIds: string[], catalog: Map<string, CatalogEntry>, currency: CurrencyRule, clientTotalMinor: bigint): bigint {
  let sum = 0n;
  for (const id of pluginIds) {
    const entry = catalog.get(id);
    if (!entry) throw new AppError('UNKNOWN_PLUGIN', `plugin ${id} does not exist.`, { pluginId: id });
    if (!entry.forSale) throw new AppError('PLUGIN_NOT_FOR_SALE', `plugin ${id} (${entry.name}) is not for sale.`, { pluginId: id });
    if (entry.currency !== currency.code) {
      throw new AppError('CURRENCY_MISMATCH', `plugin ${id} (${entry.name}) is priced in ${entry.currency}, not ${currency.code}.`, {
        pluginId: id,
        pluginCurrency: entry.currency,
      });
    }
    sum += entry.priceMinor;
  }
  if (sum !== clientTotalMinor) {
    throw new AppError('TOTAL_MISMATCH', `total must be ${formatMinor(sum, currency)} ${currency.code}, the catalog price of these plugins.`, {
      expectedTotal: formatMinor(sum, currency),
      expectedAmountMinor: sum.toString(),
      currency: currency.code,
    });
  }
  checkChargeable(sum, currency);
  return sum;
}
