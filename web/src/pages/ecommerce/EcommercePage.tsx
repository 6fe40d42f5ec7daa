import { AreaPlaceholder } from '../../components/AreaPlaceholder';
import { AREAS } from '../../navigation';

export function EcommercePage() {
  return <AreaPlaceholder area={AREAS.ecommerce} />;
}
