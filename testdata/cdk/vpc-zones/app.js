// A small CDK app whose synthesized templates are fixtures of lambda-vpc-lint (see README.md).
// Environment-agnostic stacks: CDK writes every subnet's zone as
// `Fn::Select [i, Fn::GetAZs '']`, and weak cross-stack references as `Fn::GetStackOutput`.
const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const lambda = require('aws-cdk-lib/aws-lambda');

const app = new cdk.App();

function handler(stack, vpc) {
  return new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => "ok";'),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  });
}

const subnetConfiguration = [
  { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
  { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
];

// Correct: one NAT gateway per availability zone (CDK's default).
const perAz = new cdk.Stack(app, 'NatPerAz');
handler(perAz, new ec2.Vpc(perAz, 'Vpc', { maxAzs: 2, subnetConfiguration }));

// LVL005: one NAT gateway for both zones; the second zone's private subnet routes to the first.
const single = new cdk.Stack(app, 'SingleNat');
handler(single, new ec2.Vpc(single, 'Vpc', { maxAzs: 2, natGateways: 1, subnetConfiguration }));

// A VPC passed from one stack to another by a weak reference (`Fn::GetStackOutput`), as apps
// made by `cdk init` do; one NAT gateway, so the function's second subnet is LVL005.
const network = new cdk.Stack(app, 'Network');
const sharedVpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 1, subnetConfiguration });
const service = new cdk.Stack(app, 'Service');
handler(service, sharedVpc);

app.synth();
