//! Azure DevOps error envelopes (`$id`, message, typeName, typeKey, errorCode, eventId) and the catalogue the fake uses.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::http::json;

/// `{"$id":"1","innerException":null,"message":...,"typeName":...,"typeKey":...,"errorCode":0,"eventId":3000}`.
pub fn envelope(status: StatusCode, message: &str, type_name: &str, type_key: &str) -> Response {
    json(
        status,
        &json!({
            "$id": "1",
            "innerException": null,
            "message": message,
            "typeName": type_name,
            "typeKey": type_key,
            "errorCode": 0,
            "eventId": 3000,
        }),
    )
}

fn webapi(type_key: &str) -> String {
    format!("Microsoft.VisualStudio.Services.WebApi.{type_key}, Microsoft.VisualStudio.Services.WebApi")
}

fn git_server(type_key: &str) -> String {
    format!("Microsoft.TeamFoundation.Git.Server.{type_key}, Microsoft.TeamFoundation.Git.Server")
}

pub fn bad_request(message: &str) -> Response {
    envelope(StatusCode::BAD_REQUEST, message, "System.ArgumentException, mscorlib", "ArgumentException")
}

pub fn version_not_specified(method: &str) -> Response {
    let msg = format!(
        "No api-version was supplied for the \"{method}\" request. The version must be supplied either as part of the Accept header (e.g. \"application/json; api-version=1.0\") or as a query parameter (e.g. \"?api-version=1.0\")."
    );
    envelope(
        StatusCode::BAD_REQUEST,
        &msg,
        &webapi("VssVersionNotSpecifiedException"),
        "VssVersionNotSpecifiedException",
    )
}

pub fn version_out_of_range(requested: &str, latest: &str) -> Response {
    let msg = format!(
        "The requested REST API version of {requested} is out of range for this server. The latest REST API version this server supports is {latest}."
    );
    envelope(StatusCode::BAD_REQUEST, &msg, &webapi("VssVersionOutOfRangeException"), "VssVersionOutOfRangeException")
}

pub fn version_invalid(requested: &str) -> Response {
    let msg = format!("The api-version '{requested}' is not a valid version string.");
    envelope(StatusCode::BAD_REQUEST, &msg, &webapi("VssInvalidApiVersionException"), "VssInvalidApiVersionException")
}

pub fn preview_required(requested: &str) -> Response {
    let msg = format!(
        "The requested version \"{requested}\" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: \"{requested}-preview\""
    );
    envelope(
        StatusCode::BAD_REQUEST,
        &msg,
        &webapi("VssInvalidPreviewVersionException"),
        "VssInvalidPreviewVersionException",
    )
}

/// 415 for a body of the wrong media type (e.g. a work item patch sent as `application/json`).
pub fn unsupported_media_type(sent: &str, method: &str, valid: &str) -> Response {
    let msg = format!(
        "The request indicated a Content-Type of \"{sent}\" for method type \"{method}\" which is not supported. Valid content types for this method are: {valid}."
    );
    envelope(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        &msg,
        &webapi("VssRequestContentTypeNotSupportedException"),
        "VssRequestContentTypeNotSupportedException",
    )
}

pub fn org_not_found(org: &str) -> Response {
    let msg = format!(
        "VS800045: The organization '{org}' could not be found. Verify that the organization name is correct and that the organization exists."
    );
    envelope(
        StatusCode::NOT_FOUND,
        &msg,
        "Microsoft.VisualStudio.Services.Account.AccountNotFoundException, Microsoft.VisualStudio.Services.WebApi",
        "AccountNotFoundException",
    )
}

pub fn route_not_found(path: &str) -> Response {
    let msg = format!("The controller for path '{path}' was not found or does not implement IController.");
    envelope(StatusCode::NOT_FOUND, &msg, "System.Web.HttpException, System.Web", "HttpException")
}

pub fn method_not_allowed() -> Response {
    envelope(
        StatusCode::METHOD_NOT_ALLOWED,
        "The requested resource does not support http method.",
        "System.Web.Http.HttpResponseException, System.Web.Http",
        "HttpResponseException",
    )
}

/// 401 for an app identity's token when its service principal is not in the organization (the SP
/// doc's text; the status is unconfirmed, 401 is likeliest: docs/azure-devops-wire.md §6.1).
pub fn service_principal_not_member(tenant_id: &str, object_id: &str) -> Response {
    let msg = format!(
        "TF401444: Sign-in at least once as {tenant_id}\\{tenant_id}\\{object_id} in a web browser to enable access to the service."
    );
    envelope(
        StatusCode::UNAUTHORIZED,
        &msg,
        "Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server",
        "UnauthorizedRequestException",
    )
}

pub fn unauthorized(user_id: Option<&str>) -> Response {
    let msg = match user_id {
        Some(id) => format!("TF400813: The user '{id}' is not authorized to access this resource."),
        None => "TF400813: Resource not available for anonymous access. Client authentication required.".into(),
    };
    envelope(
        StatusCode::UNAUTHORIZED,
        &msg,
        "Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server",
        "UnauthorizedRequestException",
    )
}

/// 403 for a missing scope on a non-git route.
pub fn access_denied(user: &str, resource: &str, permission: &str) -> Response {
    let msg = format!(
        "VS403403: Access Denied: {user} needs the following permission(s) on the resource {resource} to perform this action: {permission}"
    );
    envelope(
        StatusCode::FORBIDDEN,
        &msg,
        "Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi",
        "AccessCheckException",
    )
}

pub fn git_needs_permission(permission: &str, identity: &str) -> Response {
    let msg = format!(
        "TF401027: You need the Git '{permission}' permission to perform this action. Details: identity '{identity}', scope 'repository'."
    );
    envelope(StatusCode::FORBIDDEN, &msg, &git_server("GitNeedsPermissionException"), "GitNeedsPermissionException")
}

pub fn project_not_found(key: &str) -> Response {
    if uuid::Uuid::parse_str(key).is_ok() {
        let msg = format!(
            "VS800075: The project with id 'vstfs:///Classification/TeamProject/{key}' does not exist, or you do not have permission to access it."
        );
        envelope(
            StatusCode::NOT_FOUND,
            &msg,
            "Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistException, Microsoft.TeamFoundation.Core.WebApi",
            "ProjectDoesNotExistException",
        )
    } else {
        let msg = format!(
            "TF200016: The following project does not exist: {key}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server."
        );
        envelope(
            StatusCode::NOT_FOUND,
            &msg,
            "Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistWithNameException, Microsoft.TeamFoundation.Core.WebApi",
            "ProjectDoesNotExistWithNameException",
        )
    }
}

pub fn repo_not_found(key: &str) -> Response {
    let msg = format!(
        "TF401019: The Git repository with name or identifier {key} does not exist or you do not have permissions for the operation you are attempting."
    );
    envelope(
        StatusCode::NOT_FOUND,
        &msg,
        &git_server("GitRepositoryNotFoundException"),
        "GitRepositoryNotFoundException",
    )
}

pub fn pr_not_found(id: &str) -> Response {
    let msg = format!("TF401180: The requested pull request was not found. Pull request id: {id}.");
    envelope(
        StatusCode::NOT_FOUND,
        &msg,
        &git_server("GitPullRequestNotFoundException"),
        "GitPullRequestNotFoundException",
    )
}

pub fn pr_exists() -> Response {
    envelope(
        StatusCode::CONFLICT,
        "TF401179: An active pull request for the source and target branch already exists.",
        &git_server("GitPullRequestExistsException"),
        "GitPullRequestExistsException",
    )
}

pub fn pr_branch_missing() -> Response {
    envelope(
        StatusCode::BAD_REQUEST,
        "TF401398: The pull request cannot be activated because the source and/or the target branch no longer exists, or the requested refs are not branches",
        &git_server("InvalidArgumentValueException"),
        "InvalidArgumentValueException",
    )
}

pub fn unresolvable_commit(message: &str) -> Response {
    envelope(
        StatusCode::NOT_FOUND,
        message,
        &git_server("GitUnresolvableToCommitException"),
        "GitUnresolvableToCommitException",
    )
}

pub fn thread_not_found(id: &str) -> Response {
    let msg = format!("TF401181: The requested pull request comment thread {id} was not found.");
    envelope(
        StatusCode::NOT_FOUND,
        &msg,
        &git_server("GitPullRequestCommentThreadNotFoundException"),
        "GitPullRequestCommentThreadNotFoundException",
    )
}

pub fn subscription_not_found(id: &str) -> Response {
    let msg = format!("VS800043: The subscription with id '{id}' does not exist.");
    envelope(
        StatusCode::NOT_FOUND,
        &msg,
        "Microsoft.VisualStudio.Services.ServiceHooks.WebApi.SubscriptionNotFoundException, Microsoft.VisualStudio.Services.ServiceHooks.WebApi",
        "SubscriptionNotFoundException",
    )
}

pub fn work_item_not_found(id: &str) -> Response {
    let msg = format!("TF401232: Work item {id} does not exist, or you do not have permissions to read it.");
    envelope(
        StatusCode::NOT_FOUND,
        &msg,
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemUnauthorizedAccessException, Microsoft.TeamFoundation.WorkItemTracking.Server",
        "WorkItemUnauthorizedAccessException",
    )
}

pub fn throttled() -> Response {
    envelope(
        StatusCode::TOO_MANY_REQUESTS,
        "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'Core' in namespace 'User'.",
        "Microsoft.TeamFoundation.Framework.Server.RequestBlockedException, Microsoft.TeamFoundation.Framework.Server",
        "RequestBlockedException",
    )
}

pub fn unavailable() -> Response {
    envelope(
        StatusCode::SERVICE_UNAVAILABLE,
        "TF400898: An Internal Error Occurred. Activity Id: 00000000-0000-0000-0000-000000000000.",
        "Microsoft.TeamFoundation.Framework.Server.ServiceUnavailableException, Microsoft.TeamFoundation.Framework.Server",
        "ServiceUnavailableException",
    )
}
