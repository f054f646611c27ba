import { describe, expect, it } from 'vitest';
import { escapeHtml } from './html';
import { invitationEmail, invitationLink } from './invitation';
import { passwordChangedEmail } from './password-changed';
import { passwordResetEmail, passwordResetLink } from './password-reset';

describe('account e-mails', () => {
  it('escapes user data in the HTML part and keeps it as typed in the text part', () => {
    const mail = invitationEmail({
      to: 'kim@shop.example',
      organizationName: 'Fish & <Chips> "BV"',
      inviterName: "<img src=x onerror='alert(1)'>",
      link: invitationLink('https://app.ipay.test', 'T'.repeat(43)),
      expiresAt: new Date('2026-12-06T10:00:00Z'),
    });
    expect(mail.html).toContain('Fish &amp; &lt;Chips&gt; &quot;BV&quot;');
    expect(mail.html).toContain('&lt;img src=x onerror=&#39;alert(1)&#39;&gt;');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toContain('<Chips>');
    expect(mail.text).toContain('Fish & <Chips> "BV"');
    expect(mail.text).toContain(`https://app.ipay.test/invitations/${'T'.repeat(43)}`);
    expect(mail.html).toContain(`href="https://app.ipay.test/invitations/${'T'.repeat(43)}"`);
    expect(mail.text).toContain('2026-12-06T10:00:00.000Z');
  });

  it('builds the reset and password-changed mails with escaped names', () => {
    const reset = passwordResetEmail({
      to: 'sam@shop.example',
      name: 'Sam <b>',
      link: passwordResetLink('https://app.ipay.test', 'R'.repeat(43)),
    });
    expect(reset.text).toContain(`https://app.ipay.test/password-reset/${'R'.repeat(43)}`);
    expect(reset.html).toContain('Hello Sam &lt;b&gt;,');
    const changed = passwordChangedEmail({ to: 'sam@shop.example', name: 'Sam & co', at: new Date(0) });
    expect(changed.html).toContain('Hello Sam &amp; co,');
    expect(changed.subject).toBe('Your IPAY password was changed');
  });

  it('escapes every character that is special in HTML text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
