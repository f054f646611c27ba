import { z } from 'zod';
import en from './messages/en.json' with { type: 'json' };
import nl from './messages/nl.json' with { type: 'json' };

/**
 * The pages' and consumer messages' one catalogue: a flat JSON file per language, English the reference
 * (`messages.test.ts` fails when the languages' keys differ). Placeholders are `{name}`; the catalogue holds
 * text, never HTML: the template engine escapes whatever it is given.
 */
export const LANGUAGES = ['en', 'nl'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

export type MessageKey = keyof typeof en;
export const CATALOGUE: Record<Language, Record<MessageKey, string>> = { en, nl };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  const messages = CATALOGUE[language];
  return (key, values = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (match, name: string) =>
      Object.hasOwn(values, name) ? String(values[name]) : match,
    );
}

/** The first supported language of an `Accept-Language` header, by quality; English when none matches. */
export function languageFromHeader(header: string | undefined): Language {
  const ranked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { primary: tag.split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { primary } of ranked) {
    const parsed = Language.safeParse(primary);
    if (parsed.success) return parsed.data;
  }
  return 'en';
}

/** A BCP 47 locale for dates and money. */
export function localeOf(language: Language): string {
  return language === 'nl' ? 'nl-NL' : 'en-GB';
}

export function formatMoney(language: Language, amountMinor: number, currency: string): string {
  const format = new Intl.NumberFormat(localeOf(language), { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}

export function formatDate(language: Language, iso: string | Date): string {
  return new Intl.DateTimeFormat(localeOf(language), {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(iso));
}

/**
 * A calendar date (`2026-11-30`) as printed on a document: "30 November 2026", "30 november 2026"; `medium` for
 * table cells: "30 Nov 2026", "30 nov 2026".
 */
export function formatDay(language: Language, isoDate: string, style: 'long' | 'medium' = 'long'): string {
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: style, timeZone: 'UTC' }).format(
    new Date(`${isoDate}T00:00:00Z`),
  );
}

export function formatNumber(language: Language, value: number): string {
  return new Intl.NumberFormat(localeOf(language)).format(value);
}
