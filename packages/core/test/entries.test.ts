import * as node from '../src/index';
import * as web from '../src/index.web';

// The Node entry and the Web entry (Edge runtimes, Workers) are one API: a name missing
// from either would break code that moves between runtimes.
describe('entries', () => {
  it('the Node and the Web entry export the same names', () => {
    expect(Object.keys(web).sort()).toEqual(Object.keys(node).sort());
  });

  it('only the Web entry lacks the synchronous signing, and says which twin to use', () => {
    expect(() => web.signPayload('{}', 'secret')).toThrow(/signPayloadAsync/);
    expect(node.signPayload('{}', 'secret')).toMatch(/^[0-9a-f]{64}$/);
  });
});
