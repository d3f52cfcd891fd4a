using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Turnstile.Aws.Eks;

/// <summary>
/// The CA every emulated cluster reports in <c>certificateAuthority.data</c>. One self-signed ECDSA P-256 CA
/// (<c>CN=kubernetes</c>, as EKS names its cluster CAs) is made per store and persisted with its key, so kubeconfigs
/// stay valid across restarts. The Kubernetes front signs its serving certificate with it.
/// </summary>
public sealed class ClusterCertificateAuthority
{
    public string CertificatePem { get; }
    public string PrivateKeyPem { get; }

    public ClusterCertificateAuthority(string certificatePem, string privateKeyPem)
    {
        CertificatePem = certificatePem;
        PrivateKeyPem = privateKeyPem;
        CertificateAuthorityData = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(certificatePem));
    }

    /// <summary>What DescribeCluster returns as <c>certificateAuthority.data</c>: base64 of the PEM.</summary>
    public string CertificateAuthorityData { get; }

    /// <summary>The CA certificate with its private key (caller disposes).</summary>
    public X509Certificate2 LoadCertificate() => X509Certificate2.CreateFromPem(CertificatePem, PrivateKeyPem);

    internal static CertificateAuthorityRecord Generate(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kubernetes", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        return new CertificateAuthorityRecord(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), now);
    }

    /// <summary>
    /// Issues a TLS server certificate signed by this CA with the given DNS names and IP addresses as SANs
    /// (e.g. <c>localhost</c>, <c>127.0.0.1</c>). The result carries its private key; the caller disposes it.
    /// </summary>
    public X509Certificate2 IssueServingCertificate(IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, DateTimeOffset now, TimeSpan? lifetime = null)
    {
        using var ca = LoadCertificate();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames) san.AddDnsName(name);
        foreach (var address in addresses) san.AddIpAddress(address);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var notAfter = now + (lifetime ?? TimeSpan.FromDays(365));
        if (notAfter > ca.NotAfter) notAfter = ca.NotAfter;
        using var issued = request.Create(ca, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }
}
