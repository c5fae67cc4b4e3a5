// The command table: every command of the extension, registered from here (src/vscode/register.ts).
// One file per command or small family beside this one; each row loads its module lazily so
// activation evaluates none of them. To add a command: its id in ids.ts, its contribution in
// package.json (category "Blueprint"), a row here. test/unit/vscode/commands/index.test.ts checks all three.
import { lazy, type CommandEntry } from './command';

export const commandTable: readonly CommandEntry[] = [
  { id: 'ec2Blueprint.validate', run: lazy(() => import('./check'), 'validate') },
  { id: 'ec2Blueprint.plan', run: lazy(() => import('./check'), 'plan') },
  { id: 'ec2Blueprint.preflight', run: lazy(() => import('./preflight'), 'preflight') },
  { id: 'ec2Blueprint.copyIamPolicy', run: lazy(() => import('./preflight'), 'copyIamPolicy') },
  { id: 'ec2Blueprint.newBlueprint', run: lazy(() => import('./new-blueprint'), 'newBlueprint') },

  { id: 'ec2Blueprint.applyAll', run: lazy(() => import('./apply'), 'applyAll') },
  { id: 'ec2Blueprint.applyComponent', run: lazy(() => import('./apply'), 'applyComponent') },
  { id: 'ec2Blueprint.createVpc', run: lazy(() => import('./apply'), 'createVpc') },
  { id: 'ec2Blueprint.createSubnet', run: lazy(() => import('./apply'), 'createSubnet') },
  { id: 'ec2Blueprint.createInternetGateway', run: lazy(() => import('./apply'), 'createInternetGateway') },
  { id: 'ec2Blueprint.createRouteTable', run: lazy(() => import('./apply'), 'createRouteTable') },
  { id: 'ec2Blueprint.createSecurityGroup', run: lazy(() => import('./apply'), 'createSecurityGroup') },
  { id: 'ec2Blueprint.createNetworkAcl', run: lazy(() => import('./apply'), 'createNetworkAcl') },
  { id: 'ec2Blueprint.createNetworkInterface', run: lazy(() => import('./apply'), 'createNetworkInterface') },
  { id: 'ec2Blueprint.allocateElasticIp', run: lazy(() => import('./apply'), 'allocateElasticIp') },
  { id: 'ec2Blueprint.createKeyPair', run: lazy(() => import('./apply'), 'createKeyPair') },
  { id: 'ec2Blueprint.launchInstance', run: lazy(() => import('./apply'), 'launchInstance') },
  { id: 'ec2Blueprint.destroy', run: lazy(() => import('./destroy'), 'destroy') },
  { id: 'ec2Blueprint.refresh', run: lazy(() => import('./refresh'), 'refresh') },
  { id: 'ec2Blueprint.stopInstance', run: lazy(() => import('./power'), 'stopInstance') },
  { id: 'ec2Blueprint.startInstance', run: lazy(() => import('./power'), 'startInstance') },

  { id: 'ec2Blueprint.selectProfile', run: lazy(() => import('./aws-access'), 'selectProfile') },
  { id: 'ec2Blueprint.useSandboxEndpoint', run: lazy(() => import('./aws-access'), 'useSandboxEndpoint') },

  { id: 'ec2Blueprint.revealInYaml', run: lazy(() => import('./resources'), 'revealInYaml') },
  { id: 'ec2Blueprint.copyId', run: lazy(() => import('./resources'), 'copyId') },
  { id: 'ec2Blueprint.openInConsole', run: lazy(() => import('./resources'), 'openInConsole') },
  { id: 'ec2Blueprint.refreshView', run: lazy(() => import('./resources'), 'refreshView') },
  { id: 'ec2Blueprint.showLog', run: lazy(() => import('./resources'), 'showLog') },

  { id: 'ec2Blueprint.showDiagram', run: lazy(() => import('./diagram'), 'showDiagram') },
  { id: 'ec2Blueprint.showTrafficPath', run: lazy(() => import('./diagram'), 'showTrafficPath') },
  { id: 'ec2Blueprint.sshToInstance', run: lazy(() => import('./ssh'), 'sshToInstance') },
  { id: 'ec2Blueprint.copySshCommand', run: lazy(() => import('./ssh'), 'copySshCommand') },
  { id: 'ec2Blueprint.addToSshConfig', run: lazy(() => import('./ssh'), 'addToSshConfig') },
  { id: 'ec2Blueprint.openInRemoteSsh', run: lazy(() => import('./ssh'), 'openInRemoteSsh') },
  { id: 'ec2Blueprint.openInBrowser', run: lazy(() => import('./browser'), 'openInBrowser') },
  { id: 'ec2Blueprint.exportCloudFormation', run: lazy(() => import('./cloudformation'), 'exportCloudFormation') },
  { id: 'ec2Blueprint.importVpc', run: lazy(() => import('./cloudformation'), 'importVpc') },
];
