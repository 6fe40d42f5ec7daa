import { createContext, useContext, type ReactNode } from 'react';

/** How amounts are written across the UI. */

const formats = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string): Intl.NumberFormat | null {
  const code = currency.trim().toUpperCase();
  const cached = formats.get(code);
  if (cached !== undefined) return cached;
  try {
    const format = new Intl.NumberFormat(undefined, { style: 'currency', currency: code });
    formats.set(code, format);
    return format;
  } catch {
    // Not an ISO 4217 code the browser knows (or empty): the caller writes the number and the code.
    return null;
  }
}

/** "€29.90" (in the reader's locale) for 29.9 EUR; "29.90 XYZ" for a code the browser does not know. */
export function formatMoney(amount: number, currency: string): string {
  const format = formatterFor(currency);
  if (format !== null) return format.format(amount);
  const number = amount.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return currency.trim() === '' ? number : `${number} ${currency.trim()}`;
}

/** "2", "1.5": quantities without trailing zeros. */
export function formatQuantity(quantity: number): string {
  return quantity.toLocaleString(undefined, { maximumFractionDigits: 3 });
}

/** Writes an amount in the current store's currency. */
export type MoneyFormat = (amount: number) => string;

const CurrencyContext = createContext<string>('');

/** Gives the pages under it the store's currency (`useMoney`). */
export function CurrencyProvider({ currency, children }: { currency: string; children: ReactNode }) {
  return <CurrencyContext.Provider value={currency}>{children}</CurrencyContext.Provider>;
}

/** Formats amounts in the currency of the nearest `CurrencyProvider`. */
export function useMoney(): MoneyFormat {
  const currency = useContext(CurrencyContext);
  return (amount) => formatMoney(amount, currency);
}
