package gatehouse.pipeline.merge;

import java.util.List;
import java.util.Map;

/**
 * Resource types whose purpose is to change another resource, and the properties that name the resource they
 * change. A lower owner's resource of such a type whose target property refers (Ref, Fn::GetAtt, Fn::Sub) to a
 * higher owner's resource alters that resource (GH-MERGE-003). Every other reference to a higher owner's resource
 * (placing an instance in its subnet, reading its ARN into an output, DependsOn) is use, not alteration, and is
 * allowed. The table is listed in docs/merge.md; extending it is a deliberate, reviewed change.
 */
final class Attachments {
    static final Map<String, List<String>> TARGETS = Map.ofEntries(
            // network reachability
            Map.entry("AWS::EC2::SecurityGroupIngress", List.of("GroupId", "GroupName")),
            Map.entry("AWS::EC2::SecurityGroupEgress", List.of("GroupId")),
            Map.entry("AWS::EC2::Route", List.of("RouteTableId")),
            Map.entry("AWS::EC2::SubnetRouteTableAssociation", List.of("RouteTableId", "SubnetId")),
            Map.entry("AWS::EC2::SubnetNetworkAclAssociation", List.of("NetworkAclId", "SubnetId")),
            Map.entry("AWS::EC2::NetworkAclEntry", List.of("NetworkAclId")),
            Map.entry("AWS::EC2::VPCGatewayAttachment", List.of("VpcId")),
            Map.entry("AWS::EC2::VPCCidrBlock", List.of("VpcId")),
            Map.entry("AWS::EC2::EIPAssociation", List.of("InstanceId", "NetworkInterfaceId")),
            Map.entry("AWS::EC2::NetworkInterfaceAttachment", List.of("InstanceId", "NetworkInterfaceId")),
            Map.entry("AWS::EC2::VolumeAttachment", List.of("InstanceId", "VolumeId")),
            Map.entry("AWS::ElasticLoadBalancingV2::Listener", List.of("LoadBalancerArn")),
            Map.entry("AWS::ElasticLoadBalancingV2::ListenerRule", List.of("ListenerArn")),
            Map.entry("AWS::ElasticLoadBalancingV2::ListenerCertificate", List.of("ListenerArn")),
            Map.entry("AWS::EFS::MountTarget", List.of("FileSystemId")),
            Map.entry("AWS::EFS::AccessPoint", List.of("FileSystemId")),
            Map.entry("AWS::Route53::RecordSet", List.of("HostedZoneId")),
            // permissions
            Map.entry("AWS::IAM::Policy", List.of("Roles", "Users", "Groups")),
            Map.entry("AWS::IAM::ManagedPolicy", List.of("Roles", "Users", "Groups")),
            Map.entry("AWS::IAM::RolePolicy", List.of("RoleName")),
            Map.entry("AWS::IAM::UserPolicy", List.of("UserName")),
            Map.entry("AWS::IAM::GroupPolicy", List.of("GroupName")),
            Map.entry("AWS::IAM::UserToGroupAddition", List.of("GroupName")),
            Map.entry("AWS::IAM::InstanceProfile", List.of("Roles")),
            Map.entry("AWS::S3::BucketPolicy", List.of("Bucket")),
            Map.entry("AWS::S3::AccessPoint", List.of("Bucket")),
            Map.entry("AWS::SQS::QueuePolicy", List.of("Queues")),
            Map.entry("AWS::SNS::TopicPolicy", List.of("Topics")),
            Map.entry("AWS::Lambda::Permission", List.of("FunctionName")),
            Map.entry("AWS::Lambda::EventSourceMapping", List.of("FunctionName")),
            Map.entry("AWS::SecretsManager::ResourcePolicy", List.of("SecretId")),
            Map.entry("AWS::SecretsManager::SecretTargetAttachment", List.of("SecretId")),
            Map.entry("AWS::SecretsManager::RotationSchedule", List.of("SecretId")),
            Map.entry("AWS::Events::EventBusPolicy", List.of("EventBusName")),
            // data leaving through a subscription
            Map.entry("AWS::Logs::SubscriptionFilter", List.of("LogGroupName")));

    private Attachments() {}
}
