// Shared by the benchmark scripts: time whole processes, report medians and ratios against a
// baseline measured in the same run (never an absolute pass/fail).
import { spawnSync } from 'node:child_process';

export function timeProcess(command, args, { runs = 7, warmup = 1, env, cwd } = {}) {
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    const started = process.hrtime.bigint();
    const r = spawnSync(command, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.error) throw r.error;
    if (i >= warmup) times.push(ms);
  }
  return summary(times);
}

export function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1], runs: sorted.length };
}

export function row(label, s, baseline) {
  const ratio = baseline ? `  ×${(s.median / baseline.median).toFixed(2)} of baseline` : '';
  return `${label.padEnd(48)} median ${s.median.toFixed(1).padStart(8)} ms  (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)}, n=${s.runs})${ratio}`;
}
