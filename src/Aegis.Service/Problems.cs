using Aegis.Engine.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aegis.Service;

/// <summary>An expected failure of a route: its HTTP status and coded error, answered as problem details.</summary>
public sealed class ServiceProblem(int status, string code, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public static ServiceProblem Unauthorized(string detail) => new(StatusCodes.Status401Unauthorized, ErrorCodes.ServiceUnauthorized, detail);

    public static ServiceProblem BadRequest(string detail) => new(StatusCodes.Status400BadRequest, ErrorCodes.ServiceBadRequest, detail);

    public static ServiceProblem NotFound(string detail) => new(StatusCodes.Status404NotFound, ErrorCodes.ServiceNotFound, detail);

    public static ServiceProblem TooLarge(long limit) => new(StatusCodes.Status413PayloadTooLarge, ErrorCodes.ServiceBodyTooLarge, "the request body is larger than " + limit + " bytes");
}

/// <summary>
/// RFC 7807 problem details (<c>application/problem+json</c>) carrying the AEGB code: the only shape an error takes.
/// The detail is the coded message, masked; an unexpected exception says only its type, never a stack trace.
/// </summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    // The coded errors' table, under the documentation base the descriptors' help links use.
    private const string TypeBase = Aegis.Analyzers.DiagnosticRules.DocsBase + "msbuild.md#";

    /// <summary>The HTTP status of an engine error a route let through, by code; anything else is a server error.</summary>
    private static readonly IReadOnlyDictionary<string, int> StatusByEngineCode = new Dictionary<string, int>
    {
        [ErrorCodes.ReleaseNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.AgentInputRejected] = StatusCodes.Status400BadRequest,
        [ErrorCodes.BadCompileInputs] = StatusCodes.Status400BadRequest,
        [ErrorCodes.BadReleaseInput] = StatusCodes.Status400BadRequest,
        [ErrorCodes.CorruptStateFile] = StatusCodes.Status500InternalServerError,
        [ErrorCodes.EventMalformed] = StatusCodes.Status400BadRequest,
        [ErrorCodes.EventInvalid] = StatusCodes.Status400BadRequest,
        [ErrorCodes.EventPayloadInvalid] = StatusCodes.Status400BadRequest,
    };

    private static readonly IReadOnlyDictionary<int, string> Titles = new Dictionary<int, string>
    {
        [400] = "Bad Request",
        [401] = "Unauthorized",
        [404] = "Not Found",
        [405] = "Method Not Allowed",
        [413] = "Payload Too Large",
        [415] = "Unsupported Media Type",
        [500] = "Internal Server Error",
    };

    public static Task WriteAsync(HttpContext context, int status, string code, string detail)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.Clear();
        response.StatusCode = status;
        response.ContentType = ContentType;
        if (status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer realm=\"aegis\"";
        }

        var body = new JsonText().BeginObject()
            .Property("type", TypeBase + code.ToLowerInvariant())
            .Property("title", Titles.TryGetValue(status, out var title) ? title : "Error")
            .Property("status", status)
            .Property("detail", Aegis.Engine.RiskCards.SecretMasker.None.Mask(detail))
            .Property("code", code)
            .Property("instance", context.Request.Path.Value)
            .EndObject().ToString();
        return response.WriteAsync(body);
    }

    /// <summary>Any exception a route threw, as problem details; unexpected ones are logged (type and message) on the server only.</summary>
    public static Task WriteAsync(HttpContext context, Exception exception, TextWriter log)
    {
        switch (exception)
        {
            case ServiceProblem problem:
                return WriteAsync(context, problem.Status, problem.Code, problem.Message);
            case AegisException coded:
                return WriteAsync(context, StatusByEngineCode.TryGetValue(coded.Code, out var status) ? status : StatusCodes.Status500InternalServerError, coded.Code, coded.Message);
            case Microsoft.AspNetCore.Http.BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.ServiceBodyTooLarge, "the request body is larger than the service's limit");
            case Microsoft.AspNetCore.Http.BadHttpRequestException bad:
                return WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.ServiceBadRequest, bad.Message);
            default:
                lock (log)
                {
                    log.WriteLine("aegis: error " + ErrorCodes.EngineCrashed + ": " + context.Request.Method + " " + context.Request.Path + ": " + exception.GetType().Name + ": " + exception.Message);
                }

                return WriteAsync(context, StatusCodes.Status500InternalServerError, ErrorCodes.EngineCrashed, "the service failed on this request (" + exception.GetType().Name + "); the server's log has the message");
        }
    }
}
