/**
 * Choices for a store's time zone (IANA), currency (ISO 4217) and language (ISO 639-1), named in the
 * reader's language by the browser's `Intl`.
 */
import type { ComboboxOption } from '../components/Combobox';

function displayNames(type: 'currency' | 'language'): Intl.DisplayNames | null {
  try {
    return new Intl.DisplayNames(['en'], { type });
  } catch {
    return null;
  }
}

/** "GMT+1" for a zone right now, or "" when the browser cannot say. */
function utcOffset(timeZone: string, now: Date): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' }).formatToParts(now);
    return parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
  } catch {
    return '';
  }
}

let timeZoneCache: ComboboxOption[] | null = null;

export function timeZoneOptions(): ComboboxOption[] {
  if (timeZoneCache !== null) return timeZoneCache;
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  const now = new Date();
  timeZoneCache = zones.map((zone) => ({
    value: zone,
    label: zone.replaceAll('_', ' '),
    detail: utcOffset(zone, now),
    keywords: zone,
  }));
  return timeZoneCache;
}

/** The browser's own zone, a sensible default for a new store. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

let currencyCache: ComboboxOption[] | null = null;

export function currencyOptions(): ComboboxOption[] {
  if (currencyCache !== null) return currencyCache;
  let codes: string[] = [];
  try {
    codes = Intl.supportedValuesOf('currency');
  } catch {
    codes = ['EUR', 'USD', 'GBP'];
  }
  const names = displayNames('currency');
  currencyCache = codes.map((code) => {
    const name = names?.of(code) ?? code;
    return { value: code, label: code, detail: name === code ? '' : name, keywords: `${code} ${name}` };
  });
  return currencyCache;
}

/** ISO 639-1 codes. */
const LANGUAGE_CODES = (
  'aa ab af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el ' +
  'en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is ' +
  'it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ' +
  'ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg ' +
  'si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa ' +
  'wo xh yi yo za zh zu'
).split(' ');

let languageCache: ComboboxOption[] | null = null;

export function languageOptions(): ComboboxOption[] {
  if (languageCache !== null) return languageCache;
  const names = displayNames('language');
  languageCache = LANGUAGE_CODES.map((code) => {
    const name = names?.of(code) ?? code;
    return { value: code, label: name === code ? code : name, detail: code, keywords: `${code} ${name}` };
  }).sort((a, b) => a.label.localeCompare(b.label));
  return languageCache;
}
