import { t } from '@vscode/l10n';

export interface PortRange {
  from: number;
  to: number;
}

export type ParsedPorts = ({ ok: true } & PortRange) | { ok: false; code: 'port-out-of-range' | 'port-range-reversed' | 'wrong-type'; message: string };

/** A port (22) or an inclusive range ("8000-8080"), as the blueprint writes it. */
export function parsePortRange(value: unknown): ParsedPorts {
  let from: number;
  let to: number;
  if (typeof value === 'number') {
    from = to = value;
  } else if (typeof value === 'string' && /^\d+(-\d+)?$/.test(value.trim())) {
    const [a, b] = value.trim().split('-');
    from = Number(a);
    to = Number(b ?? a);
  } else {
    return { ok: false, code: 'wrong-type', message: t('A port is a number such as 22 or a range such as "8000-8080".') };
  }
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 65535 || from > 65535 || to < 0)
    return { ok: false, code: 'port-out-of-range', message: t('Ports go from 0 to 65535; {0} is outside that.', String(value)) };
  if (from > to) return { ok: false, code: 'port-range-reversed', message: t('The range {0} runs backwards; write the lower port first ({1}-{2}).', String(value), to, from) };
  return { ok: true, from, to };
}

export function formatPorts(range: PortRange): string {
  return range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;
}
