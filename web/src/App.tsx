import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { AppShell } from './components/AppShell';
import { AREAS } from './navigation';
import { AnalyticsPage } from './pages/analytics/AnalyticsPage';
import { ContactsPage } from './pages/contacts/ContactsPage';
import { ContentsPage } from './pages/contents/ContentsPage';
import { DashboardPage } from './pages/dashboard/DashboardPage';
import { EcommercePage } from './pages/ecommerce/EcommercePage';
import { NotFoundPage } from './pages/not-found/NotFoundPage';
import { SegmentsPage } from './pages/segments/SegmentsPage';
import { StoreSettingsPage } from './pages/settings/StoreSettingsPage';
import { SupportPage } from './pages/support/SupportPage';
import { WorkflowsPage } from './pages/workflows/WorkflowsPage';

/** Routes of the admin UI. Every area's path comes from `navigation.ts`, so routes and sidebar agree. */
export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<AppShell />}>
          <Route index element={<DashboardPage />} />
          <Route path={AREAS.contacts.path} element={<ContactsPage />} />
          <Route path={AREAS.segments.path} element={<SegmentsPage />} />
          <Route path={AREAS.ecommerce.path} element={<EcommercePage />} />
          <Route path={AREAS.contents.path} element={<ContentsPage />} />
          <Route path={AREAS.workflows.path} element={<WorkflowsPage />} />
          <Route path={AREAS.analytics.path} element={<AnalyticsPage />} />
          <Route path={AREAS.settings.path} element={<StoreSettingsPage />} />
          <Route path={AREAS.support.path} element={<SupportPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
