import { parseVariableQuery, runVariableQuery } from './variables';

describe('variable queries', () => {
  it('parses the Prometheus data source forms', () => {
    expect(parseVariableQuery('label_values(job)')).toEqual({ kind: 'label_values', label: 'job' });
    expect(parseVariableQuery(' label_values(up{env="prod", x=~"a,b"}, instance) ')).toEqual({
      kind: 'label_values',
      label: 'instance',
      match: 'up{env="prod", x=~"a,b"}',
    });
    expect(parseVariableQuery('label_names()')).toEqual({ kind: 'label_names' });
    expect(parseVariableQuery('label_names(up)')).toEqual({ kind: 'label_names', match: 'up' });
    expect(parseVariableQuery('metrics(^node_.*)')).toEqual({ kind: 'metrics', regex: '^node_.*' });
  });

  it('says what to write for anything else', () => {
    expect(parseVariableQuery('values(job)')).toEqual({ error: expect.stringMatching(/use one of label_values/) });
    expect(parseVariableQuery('metrics(node_[)')).toEqual({ error: expect.stringMatching(/invalid regex/) });
  });

  it('runs against the suggestion source; metrics() filters metric names with an anchored regex', async () => {
    const source = {
      labelNames: jest.fn(async () => ['job']),
      labelValues: jest.fn(async (label: string) => (label === '__name__' ? ['node_load1', 'up', 'xnode_y'] : ['a'])),
    };
    expect(await runVariableQuery(source, 'metrics(node_.*)')).toEqual([{ text: 'node_load1', value: 'node_load1' }]);
    expect(await runVariableQuery(source, 'label_values(up, job)')).toEqual([{ text: 'a', value: 'a' }]);
    expect(source.labelValues).toHaveBeenLastCalledWith('job', 'up');
    await expect(runVariableQuery(source, 'nonsense')).rejects.toThrow(/unknown variable query/);
  });
});
