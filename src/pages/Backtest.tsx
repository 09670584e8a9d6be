import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert } from '@grafana/ui';

function Backtest() {
  return (
    <PluginPage>
      <Alert severity="info" title="Backtest">
        Replay a query&apos;s history with a model and see what alerts would have done.
      </Alert>
    </PluginPage>
  );
}

export default Backtest;
