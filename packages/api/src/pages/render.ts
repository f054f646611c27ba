import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import { LANGUAGES, translator, type Language, type MessageKey, type Translate } from './i18n';

/**
 * Eta 3+ (here 4.x): small, maintained, typed, no dependencies, Node 20, and it escapes every `<%= %>` by
 * default (`autoEscape`). Raw output (`<%~ %>`) is used in two places only: the layout inserting the page's
 * already rendered body, and the PDF document inserting its own stylesheet (`platform/pdf`). Templates are
 * compiled once and cached.
 */
export function templateEngine(views: string): Eta {
  return new Eta({ views, autoEscape: true, cache: true, defaultExtension: '.eta' });
}

const layouts = templateEngine(fileURLToPath(new URL('./templates', import.meta.url)));

/** What every page shows around its body: the document title, the language switch, the landmarks. */
export interface PageFrame {
  language: Language;
  /** The page's own path (no query): the language links point at it. */
  path: string;
  title: MessageKey;
  /** The footer line; the consumer pages' by default. */
  footer?: MessageKey;
}

export interface PageView {
  /** Available to every template: `t('pay.title')`. */
  t: Translate;
  language: Language;
}

/** The templates of one domain (its `pages/` folder), rendered inside the shared layout. */
export interface PageTemplates {
  render(name: string, frame: PageFrame, view: object): string;
}

export function pageTemplates(folder: URL): PageTemplates {
  const templates = templateEngine(fileURLToPath(folder));
  return {
    render(name, frame, view) {
      const t = translator(frame.language);
      const body = templates.render(`./${name}`, { ...view, t, language: frame.language });
      return renderLayout(frame, body);
    },
  };
}

function renderLayout(frame: PageFrame, body: string): string {
  const t = translator(frame.language);
  return layouts.render('./layout', {
    t,
    language: frame.language,
    title: t(frame.title),
    footer: t(frame.footer ?? 'layout.footer'),
    body,
    languages: LANGUAGES.map((code) => ({
      code,
      name: translator(code)(`lang.${code}`),
      href: `${frame.path}?lang=${code}`,
      current: code === frame.language,
    })),
  });
}

/** A page that says one thing: a title, a text, and a way back (errors, unknown links). */
export function renderMessagePage(frame: PageFrame, message: { text: string; back?: string }): string {
  const t = translator(frame.language);
  return renderLayout(
    frame,
    layouts.render('./message', { t, title: t(frame.title), text: message.text, back: message.back }),
  );
}
