using Aegis.Analyzers.Secrets;
using Aegis.Analyzers.Tests.Verifiers;

namespace Aegis.Analyzers.Tests;

/// <summary>
/// AEG002: resource, cache and lock names in members that merely end in <c>Key</c> (lower-case words joined by
/// <c>:</c>, <c>-</c> or <c>.</c>) are names, not secrets; the same values in truly secret-named members stay findings.
/// </summary>
[Trait("Rule", "AEG002")]
public sealed class AEG002ResourceNameTests
{
    private static AnalyzerTest Test(string markup) => AnalyzerTest.For<HardcodedSecretAnalyzer>().WithSource(markup);

    [Theory]
    [Trait("Category", "Safe")]
    [InlineData("CacheKey", "orders:pending")]
    [InlineData("LockKey", "inventory-sync")]
    [InlineData("RefreshKey", "feature.flags.refresh")]
    [InlineData("SessionKey", "cart")]
    [InlineData("LockKey", "outbox-dispatcher-lock")]
    [InlineData("DedupeKey", "payments:webhook-dedupe")]
    [InlineData("ExportKey", "billing.invoices.nightly-export")]
    [InlineData("TenantLockKey", "tenant-settings:refresh-lock")]
    [InlineData("BatchKey", "orders:pending:batch")]
    [InlineData("CatalogKey", "catalog:products:by-category")]
    [InlineData("ShardKey", "orders:shard2:rebalance-lock")]
    public async Task Safe_ResourceNameInKeyNamedMember(string name, string value)
    {
        await Test($$"""
            class C
            {
                public const string {{name}} = "{{value}}";
                private readonly string _{{name}} = "{{value}}";
            }
            """).ValidateAsync();
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_ResourceNameAsArgumentOfKeyNamedParameter()
    {
        await Test("""
            using System;
            class DistributedLock
            {
                public static IDisposable Acquire(string lockKey) => throw new NotSupportedException();
                public IDisposable Sync() => Acquire("inventory-sync:warehouse-eu");
            }
            """).ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("ApiKey", "api-key")]
    [InlineData("SigningKey", "signing-key")]
    [InlineData("SecretKey", "secret-key")]
    [InlineData("AccessKey", "access-key")]
    [InlineData("PrivateKey", "private-key")]
    [InlineData("EncryptionKey", "encryption-key")]
    public async Task Detect_ResourceNameShapedValueInSecretNamedMember(string name, string kind)
    {
        await Test($$"""
            class C
            {
                public const string {{name}} = [|"orders:pending"|];
                private readonly string _{{name}} = [|"outbox-dispatcher-lock"|];
            }
            """)
            .ExpectProperty(DiagnosticPropertyNames.SecretKind, kind)
            .ValidateAsync();
    }

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("x9k2-pq7z-m4vt-w8rb")]
    [InlineData("Orders:Pending:Zt4Wq9Lm2Xp7")]
    [InlineData("a8kz3lq9xv2mn7pw4rt6")]
    [InlineData("orders:pending:Zt4Wq9Lm2Xp7Kc3R")]
    public async Task Detect_KeyNamedMember_ValueThatIsNoResourceName(string value)
    {
        await Test($$"""
            class C
            {
                private readonly string webhookKey = [|"{{value}}"|];
            }
            """)
            .ExpectProperty(0, DiagnosticPropertyNames.SecretKind, "high-entropy")
            .ValidateAsync();
    }
}
