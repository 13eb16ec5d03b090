// A small CDK app whose synthesized templates are fixtures of lambda-vpc-lint (see README.md).
// The VPC is not in the app: `Vpc.fromLookup` reads it from `cdk.context.json` (as `cdk synth`
// wrote it after its lookup), which holds the network of the moto account snapshot
// testdata/snapshots/public-subnet. CDK writes the subnet ids it picks into the template as
// literals, so only the snapshot can tell what they are.
const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const lambda = require('aws-cdk-lib/aws-lambda');

const app = new cdk.App();
// A lookup needs a concrete environment; the context key names this account and region.
const env = { account: '123456789012', region: 'eu-west-1' };

function service(id, vpcSubnets, allowPublicSubnet) {
  const stack = new cdk.Stack(app, id, { env });
  const vpc = ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: 'vpc-70c6c7aa894d5a33b' });
  new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => "ok";'),
    vpc,
    vpcSubnets,
    allowPublicSubnet,
  });
}

// LVL001: the public subnets (route to the internet gateway) by mistake; CDK refuses them
// unless told `allowPublicSubnet`.
service('PublicSubnets', { subnetType: ec2.SubnetType.PUBLIC }, true);
// Correct: the private subnets, whose route tables send 0.0.0.0/0 to a NAT gateway.
service('PrivateSubnets', { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });

app.synth();
