import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert, LinkButton, Stack } from '@grafana/ui';
import { prefixRoute, ROUTES } from '../constants';

function Models() {
  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <Alert severity="info" title="Models">
          The model registry (versions, pins, training state) will be listed here.
        </Alert>
        <div>
          <LinkButton href={prefixRoute(ROUTES.Backtest)} variant="secondary">
            Open backtest
          </LinkButton>
        </div>
      </Stack>
    </PluginPage>
  );
}

export default Models;
