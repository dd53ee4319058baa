import { describe, expect, it } from 'vitest';
import { listOperations, loadDereferenced, OperationMatcher } from '../src/index.js';

const matcherFor = (api: string, basePath: string) =>
  new OperationMatcher(listOperations(loadDereferenced(api)).map((operation) => ({ operation, basePath, tag: api })));

describe('OperationMatcher', () => {
  it('prefers the most specific template and names path parameters, percent-decoded', () => {
    const m1das = matcherFor('m1das', '');
    expect(m1das.find('POST', '/v1/batch')?.operation.operationId).toBe('ingestBatch');
    const browser = m1das.find('post', '/v1/track');
    expect(browser?.operation.operationId).toBe('ingestBrowserEvent');
    expect(browser?.params).toEqual({ 'segment-call': 'track' });
    expect(m1das.find('POST', '/api/s/page%20view')?.params).toEqual({ 'event-type': 'page view' });
  });

  it('matches method and whole path only', () => {
    const m1das = matcherFor('m1das', '');
    expect(m1das.find('GET', '/v1/batch')).toBeUndefined();
    expect(m1das.find('POST', '/v1/batch/extra')).toBeUndefined();
    expect(m1das.find('POST', '/v2/batch')).toBeUndefined();
  });

  it('serves operations under the base path, and those with a server of their own there', () => {
    const admin = matcherFor('admin', '/admin');
    expect(admin.find('GET', '/admin/events/42')?.params).toEqual({ id: '42' });
    expect(admin.find('GET', '/events/42')).toBeUndefined();
    expect(admin.find('GET', '/healthz')?.operation.operationId).toBe('getHealth');
    expect(admin.find('GET', '/admin/healthz')).toBeUndefined();
  });

  it('tells templates of different depth apart', () => {
    const rockstat = matcherFor('rockstat', '/rockstat');
    expect(rockstat.find('GET', '/rockstat/web/click/p1')).toMatchObject({
      operation: { operationId: 'getServiceEventProject' },
      params: { service: 'web', event_name: 'click', project_id: 'p1' },
      tag: 'rockstat',
    });
    expect(rockstat.find('POST', '/rockstat/web')?.operation.operationId).toBe('postService');
  });
});
