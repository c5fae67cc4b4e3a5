// The words the picture's boxes carry, apart from the model that places them (diagram-model.ts):
// an attribute as text, a security group's or network ACL's rule on one line, long text wrapped,
// and a long list of rules clipped to its first lines.
import { t } from '@vscode/l10n';
import type { EgressRule, IngressRule, NetworkAcl } from './schema';
import { isAnywhere } from './cidr';
import { formatPorts, parsePortRange } from './ports';

/** At most this many rules are written on a box; the rest are counted. */
const maxRuleLines = 5;

export function stringAttr(attributes: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const v = attributes[key];
    if (typeof v === 'string' && v.length > 0) return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

export function ruleText(rule: IngressRule | EgressRule, direction: 'in' | 'out'): string {
  const ports = rule.protocol === 'all' || rule.protocol === 'icmp' || rule.port === undefined ? '' : ` ${portText(rule.port)}`;
  const peer = 'source' in rule ? rule.source : rule.destination;
  const arrow = direction === 'in' ? '←' : '→';
  const what = rule.description ? ` (${rule.description})` : '';
  return `${direction} ${rule.protocol}${ports} ${arrow} ${isAnywhere(peer) ? `${peer} ${t('anyone')}` : peer}${what}`;
}

function portText(port: number | string): string {
  const parsed = parsePortRange(port);
  return parsed.ok ? formatPorts(parsed) : String(port);
}

export function aclRuleText(rule: NonNullable<NetworkAcl['inbound']>[number] | NonNullable<NetworkAcl['outbound']>[number], direction: 'in' | 'out'): string {
  const ports = rule.protocol === 'all' || rule.port === undefined ? '' : ` ${portText(rule.port)}`;
  const peer = 'source' in rule ? rule.source : rule.destination;
  return `${direction} #${rule.rule} ${rule.action} ${rule.protocol}${ports} ${direction === 'in' ? '←' : '→'} ${peer}`;
}

/** Breaks long text into lines of about `width` characters. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function clip(lines: string[]): string[] {
  return lines.length <= maxRuleLines ? lines : [...lines.slice(0, maxRuleLines - 1), t('… and {0} more', lines.length - maxRuleLines + 1)];
}
