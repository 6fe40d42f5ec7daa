import { AreaPlaceholder } from '../../components/AreaPlaceholder';
import { AREAS } from '../../navigation';

export function ContentsPage() {
  return <AreaPlaceholder area={AREAS.contents} />;
}
