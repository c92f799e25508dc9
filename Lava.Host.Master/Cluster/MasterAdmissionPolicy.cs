using System.Security.Cryptography;
using System.Text;
using Lava.Actors.Lab;
using Lava.Kernel;
using KernelDecision = Lava.Kernel.AdmissionDecision;

namespace Lava.Host.Master.Cluster;

/// <summary>
/// Who may join the master's cluster port. A worker presents its name and token (<see cref="ClusterCredential"/>)
/// and passes <see cref="WorkerAdmission"/>; its node must advertise its name as host, so that two workers never
/// share an address, and it may not claim the master role. Another master presents the shared
/// <c>lava.cluster.master-secret</c>; with no secret configured no master is admitted. The transport logs every
/// refusal with its reason; a refused node never becomes a member.
/// </summary>
internal sealed class MasterAdmissionPolicy(WorkerAdmission workers, string masterSecret) : IAdmissionPolicy
{
    public async ValueTask<KernelDecision> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (ClusterCredential.TryParse(request.Credential.Span) is not { } credential)
            return KernelDecision.Refuse($"{request.Node} presented no readable credential");
        return credential.Role switch
        {
            ClusterCredential.WorkerRole => await AdmitWorkerAsync(request, credential, cancellationToken),
            ClusterCredential.MasterRole => AdmitMaster(request, credential),
            _ => KernelDecision.Refuse($"{request.Node} presented the unknown role '{credential.Role}'"),
        };
    }

    private async Task<KernelDecision> AdmitWorkerAsync(AdmissionRequest request, ClusterCredential credential, CancellationToken cancellationToken)
    {
        var decision = await workers.AdmitAsync(credential.Name, credential.Secret, cancellationToken);
        if (!decision.Admitted) return KernelDecision.Refuse(decision.Message);
        if (request.Node.Address.Host != credential.Name)
            return KernelDecision.Refuse($"worker '{credential.Name}' advertises the host '{request.Node.Address.Host}': a worker's host must be its name");
        if (request.Roles.Contains(ClusterCredential.MasterRole))
            return KernelDecision.Refuse($"worker '{credential.Name}' claims the role '{ClusterCredential.MasterRole}'");
        return KernelDecision.Accept;
    }

    private KernelDecision AdmitMaster(AdmissionRequest request, ClusterCredential credential)
    {
        if (masterSecret.Length == 0)
            return KernelDecision.Refuse($"master {request.Node} may not join: lava.cluster.master-secret is empty on this master");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(credential.Secret), Encoding.UTF8.GetBytes(masterSecret)))
            return KernelDecision.Refuse($"master {request.Node} presented a wrong master secret");
        if (!request.Roles.Contains(ClusterCredential.MasterRole))
            return KernelDecision.Refuse($"master {request.Node} does not claim the role '{ClusterCredential.MasterRole}'");
        return KernelDecision.Accept;
    }
}
