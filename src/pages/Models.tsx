import React, { useMemo } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert, Stack } from '@grafana/ui';
import { useVigilDataSourceUid, VigilDataSourceBar } from '../components/DataSourceBar/VigilDataSourceBar';
import { backendSrvTransport, makeResources } from '../components/resources';
import { ModelsView } from './models/ModelsView';

/** The Models page in Grafana: pick a Vigil data source, then its model registry. */
function Models() {
  const [uid, setUid] = useVigilDataSourceUid();
  const resources = useMemo(() => (uid ? makeResources(backendSrvTransport(uid)) : undefined), [uid]);
  return (
    <PluginPage subTitle="The model registry: stored models, their versions and training">
      <Stack direction="column" gap={2}>
        <VigilDataSourceBar uid={uid} onChange={setUid} />
        {resources ? (
          <ModelsView key={uid} resources={resources} />
        ) : (
          <Alert severity="info" title="No Vigil data source">
            Add a Vigil data source (Connections, Data sources) or pick one above to see its models.
          </Alert>
        )}
      </Stack>
    </PluginPage>
  );
}

export default Models;
