// `validate` of a generated 500-resource blueprint, whole process, against `node -e 0` measured
// in the same run. Goal: under 1 s on these machines.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { timeProcess, row } from './bench-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'ec2bp-bench-'));
const file = join(dir, 'big.blueprint.yaml');
// The generator lives with the test builders; run it through tsx once.
const text = execFileSync(process.execPath, ['--import', 'tsx', '-e', "process.stdout.write(require('./test/unit/builders.ts').largeBlueprint(500))"], { cwd: root, encoding: 'utf8' });
writeFileSync(file, text);

const baseline = timeProcess(process.execPath, ['-e', '0']);
const validate = timeProcess(process.execPath, [join(root, 'dist/cli.js'), 'validate', file]);
const small = timeProcess(process.execPath, [join(root, 'dist/cli.js'), 'validate', join(root, 'examples/tutorial.blueprint.yaml')]);
console.log('validate (whole process)');
console.log(row('node -e 0 (baseline)', baseline));
console.log(row('validate tutorial (10 resources)', small, baseline));
console.log(row(`validate generated (500 resources, ${text.split('\n').length} lines)`, validate, baseline));
console.log(`goal: 500 resources under 1000 ms — ${validate.median < 1000 ? 'met' : 'NOT met'} (median ${validate.median.toFixed(0)} ms)`);
