/** lib/common/network-policy.ts (added with the Qdrant construct; Redpanda and KEDA can reuse it). */
import { isLabelMap, isNetworkPeer, networkPolicyPeer } from '../../lib/common/network-policy';

describe('isNetworkPeer', () => {
  test.each([
    [{ podLabels: { app: 'chatbot' } }],
    [{ namespace: 'keda' }],
    [{ namespace: 'apps', podLabels: { 'app.kubernetes.io/name': 'rag' } }],
    [{ namespaceLabels: { team: 'ml' } }],
    [{ namespaceLabels: { team: 'ml' }, podLabels: { app: 'x' } }],
  ])('accepts %j', (p) => expect(isNetworkPeer(p)).toBe(true));

  test.each([
    ['empty (would admit a whole namespace by accident)', {}],
    ['namespace and namespaceLabels together', { namespace: 'a', namespaceLabels: { b: 'c' } }],
    ['empty label map', { podLabels: {} }],
    ['bad label key', { podLabels: { 'bad key': 'x' } }],
    ['bad label value', { podLabels: { app: 'has space' } }],
    ['non-string label value', { podLabels: { app: 1 } }],
    ['namespace not a DNS label', { namespace: 'Apps' }],
    ['unknown field (typo)', { podLabel: { app: 'x' } }],
    ['not an object', 'app=chatbot'],
    ['an array', [{ namespace: 'a' }]],
  ])('rejects %s', (_n, p) => expect(isNetworkPeer(p)).toBe(false));
});

describe('isLabelMap', () => {
  test('prefixed keys and empty values are valid labels', () => expect(isLabelMap({ 'example.com/tier': '' })).toBe(true));
  test('a value of 64 characters is not', () => expect(isLabelMap({ a: 'x'.repeat(64) })).toBe(false));
});

describe('networkPolicyPeer', () => {
  test('pod labels only: a podSelector in the policy namespace', () => {
    expect(networkPolicyPeer({ podLabels: { app: 'a' } })).toEqual({ podSelector: { matchLabels: { app: 'a' } } });
  });
  test('namespace by name: the metadata.name label, every pod', () => {
    expect(networkPolicyPeer({ namespace: 'keda' })).toEqual({ podSelector: {}, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } } });
  });
  test('namespace labels and pod labels: both selectors in one peer (AND)', () => {
    expect(networkPolicyPeer({ namespaceLabels: { team: 'ml' }, podLabels: { app: 'a' } })).toEqual({
      podSelector: { matchLabels: { app: 'a' } },
      namespaceSelector: { matchLabels: { team: 'ml' } },
    });
  });
  test('does not share the caller\'s label objects', () => {
    const labels = { app: 'a' };
    const peer = networkPolicyPeer({ podLabels: labels });
    labels.app = 'changed';
    expect(peer.podSelector!.matchLabels).toEqual({ app: 'a' });
  });
});
