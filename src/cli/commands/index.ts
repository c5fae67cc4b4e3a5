// The command table. Each command lives in its own file; add it here.
import type { CliCommand } from '../command';
import { validate } from './validate';
import { ssh } from './ssh';
import { reach } from './reach';
import { exportCommand } from './export';
import { importCommand } from './import';
import { plan } from './plan';
import { apply } from './apply';
import { destroy } from './destroy';
import { diagram } from './diagram';
import { cost } from './cost';
import { preflight } from './preflight';
import { policy } from './policy';

export const commands: CliCommand[] = [validate, plan, apply, destroy, exportCommand, importCommand, ssh, reach, diagram, cost, preflight, policy];
