import { AreaPlaceholder } from '../../components/AreaPlaceholder';
import { AREAS } from '../../navigation';

export function ContactsPage() {
  return <AreaPlaceholder area={AREAS.contacts} />;
}
