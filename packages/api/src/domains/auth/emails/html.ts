const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

/**
 * The HTML part of the account e-mails: one plain, inline-styled column. `paragraphs` and `link` are text and
 * are escaped here; nothing unescaped reaches the markup.
 */
export function simpleHtmlEmail(content: {
  title: string;
  paragraphs: string[];
  link?: { href: string; label: string };
}): string {
  const body = content.paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('\n');
  const link = content.link
    ? `<p><a href="${escapeHtml(content.link.href)}" style="display:inline-block;padding:10px 16px;background:#1a56db;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(content.link.label)}</a></p>\n<p style="font-size:13px;color:#555555">${escapeHtml(content.link.href)}</p>`
    : '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(content.title)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#111111;max-width:560px;margin:0 auto;padding:16px">
<h1 style="font-size:20px">${escapeHtml(content.title)}</h1>
${body}
${link}
</body>
</html>`;
}
