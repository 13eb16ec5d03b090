//! Which AWS service API a resource type belongs to, for "the services a function uses"
//! (RULES.md): an environment variable that references a DynamoDB table means the code calls
//! DynamoDB. Only services reached through a public regional endpoint are listed; resources that
//! live inside the VPC (databases, caches, file systems) are reached through the VPC itself.

/// The service prefix (as in IAM actions and endpoint names) of a Terraform or CloudFormation
/// resource type, when the resource is used through a public AWS API.
pub fn service_of_resource_type(kind: &str) -> Option<&'static str> {
    let s = match kind {
        "aws_dynamodb_table"
        | "AWS::DynamoDB::Table"
        | "AWS::DynamoDB::GlobalTable"
        | "AWS::Serverless::SimpleTable" => "dynamodb",
        "aws_s3_bucket" | "AWS::S3::Bucket" => "s3",
        "aws_sqs_queue" | "AWS::SQS::Queue" => "sqs",
        "aws_sns_topic" | "AWS::SNS::Topic" => "sns",
        "aws_secretsmanager_secret" | "AWS::SecretsManager::Secret" => "secretsmanager",
        "aws_ssm_parameter" | "AWS::SSM::Parameter" => "ssm",
        "aws_kinesis_stream" | "AWS::Kinesis::Stream" => "kinesis",
        "aws_kinesis_firehose_delivery_stream" | "AWS::KinesisFirehose::DeliveryStream" => {
            "firehose"
        }
        "aws_kms_key" | "aws_kms_alias" | "AWS::KMS::Key" | "AWS::KMS::Alias" => "kms",
        "aws_cloudwatch_event_bus" | "AWS::Events::EventBus" => "events",
        "aws_sfn_state_machine"
        | "AWS::StepFunctions::StateMachine"
        | "AWS::Serverless::StateMachine" => "states",
        "aws_lambda_function" | "AWS::Lambda::Function" | "AWS::Serverless::Function" => "lambda",
        "aws_ecr_repository" | "AWS::ECR::Repository" => "ecr",
        "aws_cognito_user_pool" | "AWS::Cognito::UserPool" => "cognito-idp",
        "aws_appsync_graphql_api" | "AWS::AppSync::GraphQLApi" => "appsync",
        "aws_athena_workgroup" | "AWS::Athena::WorkGroup" => "athena",
        "aws_glue_catalog_database" | "AWS::Glue::Database" => "glue",
        "aws_timestreamwrite_database" | "AWS::Timestream::Database" => "timestream",
        "aws_pinpoint_app" | "AWS::Pinpoint::App" => "mobiletargeting",
        "aws_sesv2_configuration_set" | "AWS::SES::ConfigurationSet" => "ses",
        _ => return None,
    };
    Some(s)
}
