import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { AppShell } from './components/AppShell';
import { ToastProvider } from './components/Toasts';
import { AREAS } from './navigation';
import { AccountPage } from './pages/account/AccountPage';
import { AnalyticsPage } from './pages/analytics/AnalyticsPage';
import { InvitationPage } from './pages/auth/InvitationPage';
import { LoginPage } from './pages/auth/LoginPage';
import { ResetPasswordPage } from './pages/auth/ResetPasswordPage';
import { ContactsPage } from './pages/contacts/ContactsPage';
import { ContentsPage } from './pages/contents/ContentsPage';
import { DashboardPage } from './pages/dashboard/DashboardPage';
import { EcommercePage } from './pages/ecommerce/EcommercePage';
import { NotFoundPage } from './pages/not-found/NotFoundPage';
import { OrganizationPage } from './pages/organization/OrganizationPage';
import { SegmentsPage } from './pages/segments/SegmentsPage';
import { StoreSettingsPage } from './pages/settings/StoreSettingsPage';
import { SupportPage } from './pages/support/SupportPage';
import { WorkflowsPage } from './pages/workflows/WorkflowsPage';
import { RequireSession } from './session/RequireSession';
import { RequireStore } from './session/RequireStore';
import { SessionProvider } from './session/SessionContext';
import { WorkspaceProvider } from './session/Workspace';

/**
 * Routes of the admin UI. Sign-in, password reset and invitations are public; everything else needs a
 * session. Store areas take their paths from `navigation.ts`, so routes and sidebar agree, and need a
 * current store; the organization administrator and the account page do not.
 */
export function App() {
  return (
    <BrowserRouter>
      <ToastProvider>
        <SessionProvider>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/reset-password" element={<ResetPasswordPage />} />
            <Route path="/invitations/:token" element={<InvitationPage />} />
            <Route
              element={
                <RequireSession>
                  <WorkspaceProvider>
                    <AppShell />
                  </WorkspaceProvider>
                </RequireSession>
              }
            >
              <Route element={<RequireStore />}>
                <Route index element={<DashboardPage />} />
                <Route path={`${AREAS.contacts.path}/*`} element={<ContactsPage />} />
                <Route path={AREAS.segments.path} element={<SegmentsPage />} />
                <Route path={AREAS.ecommerce.path} element={<EcommercePage />} />
                <Route path={AREAS.contents.path} element={<ContentsPage />} />
                <Route path={AREAS.workflows.path} element={<WorkflowsPage />} />
                <Route path={AREAS.analytics.path} element={<AnalyticsPage />} />
                <Route path={`${AREAS.settings.path}/*`} element={<StoreSettingsPage />} />
              </Route>
              <Route path={AREAS.support.path} element={<SupportPage />} />
              <Route path="/organizations/:organizationId/*" element={<OrganizationPage />} />
              <Route path="/account" element={<AccountPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </SessionProvider>
      </ToastProvider>
    </BrowserRouter>
  );
}
