// Every command the extension contributes, in one place. package.json's contributes.commands must
// list exactly these (test/unit/vscode/commands/index.test.ts checks both directions). Pure: no vscode.

export const commandIds = [
  // Check and preview
  'ec2Blueprint.validate',
  'ec2Blueprint.plan',
  // Before apply: what AWS would say, and the IAM policy (src/vscode/commands/preflight.ts)
  'ec2Blueprint.preflight',
  'ec2Blueprint.copyIamPolicy',
  // Start from the tutorial's blueprint (src/vscode/commands/new-blueprint.ts)
  'ec2Blueprint.newBlueprint',
  // Provisioning
  'ec2Blueprint.applyAll',
  'ec2Blueprint.applyComponent',
  'ec2Blueprint.createVpc',
  'ec2Blueprint.createSubnet',
  'ec2Blueprint.createInternetGateway',
  'ec2Blueprint.createRouteTable',
  'ec2Blueprint.createSecurityGroup',
  'ec2Blueprint.createNetworkAcl',
  'ec2Blueprint.createNetworkInterface',
  'ec2Blueprint.allocateElasticIp',
  'ec2Blueprint.createKeyPair',
  'ec2Blueprint.launchInstance',
  'ec2Blueprint.destroy',
  'ec2Blueprint.refresh',
  'ec2Blueprint.stopInstance',
  'ec2Blueprint.startInstance',
  // Diagram (src/vscode/commands/diagram.ts)
  'ec2Blueprint.showDiagram',
  'ec2Blueprint.showTrafficPath',
  // SSH (src/vscode/commands/ssh.ts)
  'ec2Blueprint.sshToInstance',
  'ec2Blueprint.copySshCommand',
  'ec2Blueprint.addToSshConfig',
  'ec2Blueprint.openInRemoteSsh',
  // The web page of an instance (src/vscode/commands/browser.ts)
  'ec2Blueprint.openInBrowser',
  // AWS access
  'ec2Blueprint.selectProfile',
  'ec2Blueprint.useSandboxEndpoint',
  // CloudFormation (src/vscode/commands/cloudformation.ts)
  'ec2Blueprint.exportCloudFormation',
  'ec2Blueprint.importVpc',
  // Resource view context menu
  'ec2Blueprint.revealInYaml',
  'ec2Blueprint.copyId',
  'ec2Blueprint.openInConsole',
  'ec2Blueprint.refreshView',
  'ec2Blueprint.showLog',
] as const;

export type CommandId = (typeof commandIds)[number];

export function isCommandId(value: string): value is CommandId {
  return (commandIds as readonly string[]).includes(value);
}
