import React, { useMemo } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert, Stack } from '@grafana/ui';
import { useVigilDataSourceUid, VigilDataSourceBar } from '../components/DataSourceBar/VigilDataSourceBar';
import { backendSrvTransport, makeResources } from '../components/resources';
import { BacktestView } from './backtest/BacktestView';

/** The Backtest page in Grafana: pick a Vigil data source, then replay a query with it. */
function Backtest() {
  const [uid, setUid] = useVigilDataSourceUid();
  const resources = useMemo(() => (uid ? makeResources(backendSrvTransport(uid)) : undefined), [uid]);
  return (
    <PluginPage subTitle="Replay a query's history with a model and see what alerts would have done, before paging anyone">
      <Stack direction="column" gap={2}>
        <VigilDataSourceBar uid={uid} onChange={setUid} />
        {resources ? (
          <BacktestView resources={resources} />
        ) : (
          <Alert severity="info" title="No Vigil data source">
            Add a Vigil data source (Connections, Data sources) or pick one above to run a backtest.
          </Alert>
        )}
      </Stack>
    </PluginPage>
  );
}

export default Backtest;
