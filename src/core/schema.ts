// The blueprint format (version 1), written once. Types come from it by z.infer, the JSON Schema
// for the YAML language server is generated from it at build time, and validate.ts layers the
// checks that need the whole file (references, CIDR math, security notes) on top.
import { z } from 'zod';

const tags = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .describe('Extra AWS tags. Name, blueprint:stack and blueprint:name are set for you.');

const resourceName = z
  .string()
  .min(1)
  .max(255)
  .describe('Unique across the file. Becomes the Name tag and is how other resources refer to this one.');

const cidr = z.string().describe('An IPv4 CIDR block, for example 10.0.0.0/16.');

/** A port, or an inclusive range written "from-to". validate.ts checks the numbers. */
export const port = z
  .union([z.number().int().min(0).max(65535), z.string().regex(/^\d+(-\d+)?$/)])
  .describe('A port number (22) or an inclusive range ("8000-8080").');

export const protocols = ['tcp', 'udp', 'icmp', 'all'] as const;
const protocol = z.enum(protocols).describe('tcp, udp, icmp, or all (every protocol and port).');

const ingressRule = z.strictObject({
  protocol,
  port: port.optional(),
  source: z.string().describe('A CIDR (0.0.0.0/0 is anyone) or the name of a security group in this file.'),
  description: z.string().max(255).optional(),
});

const egressRule = z.strictObject({
  protocol,
  port: port.optional(),
  destination: z.string().describe('A CIDR or the name of a security group in this file.'),
  description: z.string().max(255).optional(),
});

const aclRuleBase = {
  rule: z.number().int().min(1).max(32766).describe('Rule number: lower numbers are evaluated first.'),
  action: z.enum(['allow', 'deny']),
  protocol,
  port: port.optional(),
};

const vpc = z.strictObject({ name: resourceName, cidr, tags: tags.optional() });

const internetGateway = z.strictObject({ name: resourceName, tags: tags.optional() });

const subnet = z.strictObject({
  name: resourceName,
  cidr,
  availabilityZone: z.string().describe("An availability zone of the blueprint's region, e.g. ap-northeast-1a."),
  tags: tags.optional(),
});

const routeTable = z.strictObject({
  name: resourceName,
  routes: z
    .array(
      z.strictObject({
        destination: cidr,
        target: z.string().describe('The name of the internet gateway, or of a NAT gateway (for a private subnet).'),
      }),
    )
    .optional(),
  subnets: z.array(z.string()).optional().describe('Names of the subnets this route table governs.'),
  tags: tags.optional(),
});

const securityGroup = z.strictObject({
  name: resourceName,
  description: z.string().max(255).optional().describe('AWS requires one; a generated one is used when absent.'),
  ingress: z.array(ingressRule).optional(),
  egress: z.array(egressRule).optional().describe("Absent: AWS's default rule that allows all outbound traffic."),
  tags: tags.optional(),
});

const networkAcl = z.strictObject({
  name: resourceName,
  subnets: z.array(z.string()).optional(),
  inbound: z.array(z.strictObject({ ...aclRuleBase, source: cidr })).optional(),
  outbound: z.array(z.strictObject({ ...aclRuleBase, destination: cidr })).optional(),
  tags: tags.optional(),
});

const networkInterface = z.strictObject({
  name: resourceName,
  subnet: z.string(),
  privateIp: z.string().optional().describe('A fixed private IPv4 address inside the subnet.'),
  securityGroups: z.array(z.string()).optional(),
  description: z.string().max(255).optional(),
  tags: tags.optional(),
});

const elasticIp = z.strictObject({
  name: resourceName,
  networkBorderGroup: z
    .string()
    .optional()
    .describe('The region itself (e.g. ap-northeast-1), not an availability zone.'),
  networkInterface: z.string().optional().describe('The network interface this address is associated with.'),
  tags: tags.optional(),
});

const natGateway = z.strictObject({
  name: resourceName,
  subnet: z.string().describe('A public subnet (one whose route table sends 0.0.0.0/0 to the internet gateway).'),
  elasticIp: z
    .string()
    .optional()
    .describe('An Elastic IP of this file without networkInterface; absent: the NAT gateway gets an address of its own.'),
  tags: tags.optional(),
});

const keyPair = z.strictObject({
  name: resourceName,
  publicKeyFile: z.string().optional().describe('Import this public key instead of creating a new key pair.'),
  tags: tags.optional(),
});

export const volumeTypes = ['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard'] as const;

const instance = z.strictObject({
  name: resourceName,
  image: z.string().describe('rhel-8, rhel-9, amazon-linux-2023, ubuntu-24.04, or an ami-… id.'),
  instanceType: z.string().describe('For example t2.large.'),
  networkInterface: z.string().optional().describe('A network interface of this file, attached as device 0.'),
  subnet: z.string().optional(),
  securityGroups: z.array(z.string()).optional(),
  privateIp: z.string().optional(),
  publicIp: z.boolean().optional().describe('Ask AWS for an automatically assigned public IPv4 address.'),
  rootVolume: z
    .strictObject({
      sizeGiB: z.number().int().min(1).max(16384),
      type: z.enum(volumeTypes).optional(),
      encrypted: z.boolean().optional(),
    })
    .optional(),
  keyPair: z.string().optional(),
  sshUser: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/)
    .optional().describe('Defaults from the image: ec2-user for RHEL and Amazon Linux, ubuntu for Ubuntu.'),
  sshPort: z.number().int().min(1).max(65535).optional(),
  metadataTokens: z.enum(['required', 'optional']).optional().describe('required (IMDSv2, the default) or optional.'),
  userData: z
    .string()
    .optional()
    .describe('Runs once, at first boot: a script starting with #! or a #cloud-config document. At most 16 KB. A change replaces the instance.'),
  userDataFile: z
    .string()
    .optional()
    .describe("Like userData, read from this file (relative to the blueprint, inside its folder)."),
  sshVia: z.string().optional().describe('The instance to jump through for SSH (a bastion with a public address).'),
  tags: tags.optional(),
});

export const blueprintSchema = z.strictObject({
  version: z.literal(1),
  stack: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-_]*$/)
    .max(64)
    .describe('Unique per account and region; written into every tag blueprint:stack.'),
  region: z.string().describe('The AWS region, e.g. ap-northeast-1.'),
  vpc,
  internetGateway: internetGateway.optional(),
  subnets: z.array(subnet).optional(),
  routeTables: z.array(routeTable).optional(),
  securityGroups: z.array(securityGroup).optional(),
  networkAcls: z.array(networkAcl).optional(),
  networkInterfaces: z.array(networkInterface).optional(),
  elasticIps: z.array(elasticIp).optional(),
  natGateways: z.array(natGateway).optional(),
  keyPairs: z.array(keyPair).optional(),
  instances: z.array(instance).optional(),
});

export type Blueprint = z.infer<typeof blueprintSchema>;
export type Vpc = z.infer<typeof vpc>;
export type InternetGateway = z.infer<typeof internetGateway>;
export type Subnet = z.infer<typeof subnet>;
export type RouteTable = z.infer<typeof routeTable>;
export type SecurityGroup = z.infer<typeof securityGroup>;
export type IngressRule = z.infer<typeof ingressRule>;
export type EgressRule = z.infer<typeof egressRule>;
export type NetworkAcl = z.infer<typeof networkAcl>;
export type NetworkInterface = z.infer<typeof networkInterface>;
export type ElasticIp = z.infer<typeof elasticIp>;
export type NatGateway = z.infer<typeof natGateway>;
export type KeyPair = z.infer<typeof keyPair>;
export type Instance = z.infer<typeof instance>;
export type Protocol = (typeof protocols)[number];

/** The keys a blueprint (or a part of it) may hold, for "did you mean" suggestions. */
export function knownKeysAt(path: readonly (string | number)[]): string[] {
  let schema: z.ZodType = blueprintSchema;
  for (const step of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) {
      const next = (schema.shape as Record<string, z.ZodType>)[String(step)];
      if (!next) return [];
      schema = next;
    } else if (schema instanceof z.ZodArray) {
      schema = schema.element as z.ZodType;
    } else {
      return [];
    }
  }
  schema = unwrap(schema);
  if (schema instanceof z.ZodArray) schema = unwrap(schema.element as z.ZodType);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  while (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
  return schema;
}

/** The JSON Schema contributed to the YAML language server (yamlValidation). */
export function blueprintJsonSchema(): object {
  const schema = z.toJSONSchema(blueprintSchema, { target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://ec2-blueprint.dev/schema/blueprint-v1.json',
    title: 'EC2 Blueprint',
    description: 'A declarative blueprint of an AWS VPC and the EC2 instances in it (format version 1).',
  };
}
