import { Route, Routes } from 'react-router-dom';
import { getStore } from '../../api/stores';
import { useResource } from '../../lib/useResource';
import { CurrencyProvider } from '../../lib/money';
import { useCurrentStore } from '../../session/Workspace';
import { NotFoundPage } from '../not-found/NotFoundPage';
import { ContactList } from './ContactList';
import { ContactSheet } from './ContactSheet';

/**
 * The Contacts area: the list (`/contacts`) and a contact's sheet (`/contacts/:contactId`). Prices are
 * written in the store's currency, read once with the store (every member may read it).
 */
export function ContactsPage() {
  const store = useCurrentStore();
  // Until the store answers (or if it cannot), amounts are written without a currency symbol.
  const { state } = useResource((signal) => getStore(store.id, signal), [store.id]);
  const currency = state.status === 'ready' ? state.data.currency : '';
  return (
    <CurrencyProvider currency={currency}>
      <Routes>
        <Route index element={<ContactList />} />
        <Route path=":contactId" element={<ContactSheet />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </CurrencyProvider>
  );
}
