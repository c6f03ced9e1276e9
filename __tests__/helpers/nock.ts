import nock from 'nock';

/**
 * nock patches Node's http module for the whole worker process, and jest runs many test files
 * in one worker: left active, it would slow every later file's requests down and change their
 * sockets. Each file that uses nock activates it for its own tests and restores http after.
 */
export function useNock(): typeof nock {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  });
  afterEach(() => {
    nock.cleanAll();
  });
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
  });
  return nock;
}
