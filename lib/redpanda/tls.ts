import { Construct } from 'constructs';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecUsages, Issuer } from '../../imports/cert-manager.io';
import { redpandaNames } from './model';
import { RedpandaSettings } from './settings';

/** DNS names the broker certificate must cover: the client Service, every broker, and localhost for port-forwards. */
export function certificateDnsNames(s: RedpandaSettings): string[] {
  const n = redpandaNames(s);
  const svc = (x: string) => [x, `${x}.${s.namespace}`, `${x}.${s.namespace}.svc`, `${x}.${s.namespace}.svc.${s.clusterDomain}`];
  const external = s.external ? s.external.addresses.filter((a) => !/^[0-9.]+$/.test(a)) : [];
  return [
    ...svc(n.clientService),
    ...svc(n.headlessService),
    `*.${n.headlessService}.${s.namespace}.svc.${s.clusterDomain}`,
    `*.${n.headlessService}.${s.namespace}.svc`,
    'localhost',
    ...external,
  ].filter((v, i, a) => a.indexOf(v) === i);
}

/** IP SANs: loopback (port-forward listener) and external IP addresses. */
export function certificateIpAddresses(s: RedpandaSettings): string[] {
  const external = s.external ? s.external.addresses.filter((a) => /^[0-9.]+$/.test(a)) : [];
  return ['127.0.0.1', ...external].filter((v, i, a) => a.indexOf(v) === i);
}

/**
 * cert-manager objects for the brokers: unless an Issuer is named, a self-signed Issuer signs a per-cluster CA
 * Certificate, a CA Issuer signs the broker Certificate. The broker Secret carries tls.crt, tls.key and ca.crt.
 */
export function emitCertManager(scope: Construct, s: RedpandaSettings, labels: { [key: string]: string }): void {
  const n = redpandaNames(s);
  let issuer = s.tls!.issuerName;
  if (!issuer) {
    new Issuer(scope, 'selfsigned-issuer', { metadata: { name: n.selfSignedIssuer, labels }, spec: { selfSigned: {} } });
    new Certificate(scope, 'ca-certificate', {
      metadata: { name: n.caCertificate, labels },
      spec: {
        isCa: true,
        commonName: `${s.name}.${s.namespace} Redpanda CA`,
        secretName: n.caCertificate,
        duration: '43800h',
        privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
        issuerRef: { name: n.selfSignedIssuer, kind: 'Issuer', group: 'cert-manager.io' },
      },
    });
    new Issuer(scope, 'ca-issuer', { metadata: { name: n.caIssuer, labels }, spec: { ca: { secretName: n.caCertificate } } });
    issuer = n.caIssuer;
  }
  new Certificate(scope, 'certificate', {
    metadata: { name: n.certificate, labels },
    spec: {
      secretName: s.tls!.secretName,
      dnsNames: certificateDnsNames(s),
      ipAddresses: certificateIpAddresses(s),
      duration: '8760h',
      renewBefore: '720h',
      privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
      usages: [CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.CLIENT_AUTH],
      issuerRef: { name: issuer, kind: 'Issuer', group: 'cert-manager.io' },
    },
  });
}
