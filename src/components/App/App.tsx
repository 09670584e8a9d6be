import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { AppRootProps } from '@grafana/data';
import { ROUTES } from '../../constants';

const Models = React.lazy(() => import('../../pages/Models'));
const Backtest = React.lazy(() => import('../../pages/Backtest'));

function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={ROUTES.Backtest} element={<Backtest />} />
      {/* Default page */}
      <Route path="*" element={<Models />} />
    </Routes>
  );
}

export default App;
