// The first-boot script that moves sshd to another port. On RHEL-family images SELinux only lets
// sshd bind to ports labelled ssh_port_t and firewalld (when present) must open the port, so both
// are adjusted before sshd restarts.
import { createHash } from 'node:crypto';

export function sshPortUserData(port: number, image: string): string | undefined {
  if (port === 22) return undefined;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`not a port: ${port}`);
  const redHat = /^(rhel|amazon-linux|al2023)/.test(image) || /^ami-/.test(image);
  const lines = [
    '#!/bin/bash',
    '# Written by EC2 Blueprint: sshd listens on port ' + port + '.',
    'set -u',
    `sed -i -E 's/^#?Port [0-9]+$/Port ${port}/' /etc/ssh/sshd_config`,
    `grep -qE '^Port ${port}$' /etc/ssh/sshd_config || echo 'Port ${port}' >> /etc/ssh/sshd_config`,
  ];
  if (redHat) {
    lines.push(
      `if command -v semanage >/dev/null 2>&1; then semanage port -a -t ssh_port_t -p tcp ${port} || semanage port -m -t ssh_port_t -p tcp ${port}; fi`,
      `if command -v firewall-cmd >/dev/null 2>&1 && firewall-cmd --state >/dev/null 2>&1; then firewall-cmd --permanent --add-port=${port}/tcp && firewall-cmd --reload; fi`,
    );
  } else {
    // Ubuntu 24.04 starts sshd from ssh.socket, which has its own port.
    lines.push(
      `if systemctl is-enabled ssh.socket >/dev/null 2>&1; then mkdir -p /etc/systemd/system/ssh.socket.d && printf '[Socket]\\nListenStream=\\nListenStream=${port}\\n' > /etc/systemd/system/ssh.socket.d/port.conf && systemctl daemon-reload && systemctl restart ssh.socket; fi`,
    );
  }
  lines.push('systemctl restart sshd 2>/dev/null || systemctl restart ssh');
  return lines.join('\n') + '\n';
}

// ---- the user's own user data ------------------------------------------------------------------

/** AWS's limit on user data, counted on the raw bytes before base64 encoding. */
export const maxUserDataBytes = 16 * 1024;

/** What cloud-init makes of a user data text: a script it runs, or a cloud-config document. */
export function userDataKind(text: string): 'script' | 'cloud-config' | undefined {
  if (text.startsWith('#!')) return 'script';
  if (/^#cloud-config[ \t]*(\r?\n|$)/.test(text)) return 'cloud-config';
  return undefined;
}

const mimeType = { script: 'text/x-shellscript', 'cloud-config': 'text/cloud-config' } as const;

/** The user data an instance is launched with: the product's sshPort script, the user's own, or
 * both as one cloud-init multi-part MIME document (cloud-init runs every part). The boundary is
 * derived from the parts, so the same input always gives the same bytes (and the same hash). */
export function combineUserData(product: string | undefined, user: string | undefined): string | undefined {
  if (!product || !user) return product || user || undefined;
  const parts = [
    { type: mimeType.script, name: 'ec2-blueprint-ssh-port.sh', body: product },
    { type: mimeType[userDataKind(user) ?? 'script'], name: userDataKind(user) === 'cloud-config' ? 'user.cfg' : 'user.sh', body: user },
  ];
  let boundary = `==ec2-blueprint-${fnv1a(product + '\0' + user)}==`;
  while (parts.some((p) => p.body.includes(boundary))) boundary = `==${fnv1a(boundary)}${boundary}`;
  const lines = ['Content-Type: multipart/mixed; boundary="' + boundary + '"', 'MIME-Version: 1.0', ''];
  for (const p of parts) {
    lines.push(
      `--${boundary}`,
      `Content-Type: ${p.type}; charset="utf-8"`,
      'MIME-Version: 1.0',
      'Content-Transfer-Encoding: 8bit',
      `Content-Disposition: attachment; filename="${p.name}"`,
      '',
      p.body.endsWith('\n') ? p.body.slice(0, -1) : p.body,
    );
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\n');
}

/** The exact user data an instance of the blueprint is launched with. `userText` is the user's
 * own part (the inline userData, or the contents of userDataFile). */
export function instanceUserData(instance: { sshPort?: number; image: string }, userText: string | undefined): string | undefined {
  return combineUserData(sshPortUserData(instance.sshPort ?? 22, instance.image), userText);
}

/** Bytes as AWS counts them for its 16 KB limit (UTF-8, before base64). */
export function userDataBytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Text that looks like a secret, with its offsets: AWS access key ids and secret keys, and
 * `password:`-style keys holding a literal value. */
export function secretsIn(text: string): { start: number; end: number; what: 'access-key' | 'password' }[] {
  const out: { start: number; end: number; what: 'access-key' | 'password' }[] = [];
  for (const m of text.matchAll(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g)) out.push({ start: m.index, end: m.index + m[0].length, what: 'access-key' });
  for (const m of text.matchAll(/\baws_secret_access_key\b\s*[:=]\s*["']?[A-Za-z0-9/+]{40}/gi)) out.push({ start: m.index, end: m.index + m[0].length, what: 'access-key' });
  // A key named like a password, then a literal (not a shell expansion, not empty).
  for (const m of text.matchAll(/^[ \t-]*["']?([A-Za-z_]*(password|passwd)[A-Za-z_]*)["']?[ \t]*:[ \t]*(?![$|>\s#]|["']?\$)(\S[^\n]*)$/gim)) {
    const start = m.index + m[0].indexOf(m[1]!);
    out.push({ start, end: m.index + m[0].length, what: 'password' });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** A short, stable, non-cryptographic digest (for MIME boundaries only). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** What the state file records of an instance's user data: a digest, never the text. */
export function userDataHash(text: string | undefined): string | undefined {
  return text === undefined ? undefined : `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}
