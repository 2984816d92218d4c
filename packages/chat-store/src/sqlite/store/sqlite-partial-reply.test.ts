import { describePartialReplySuite } from '../../../test/partial-reply-suite.js';
import { openTempStore } from '../../../test/temp-store.js';

describePartialReplySuite('sqlite', () => openTempStore());
