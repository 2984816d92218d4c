import { describeTransferSuite } from '../../../test/transfer-suite.js';
import { openTempStore } from '../../../test/temp-store.js';

describeTransferSuite('sqlite', () => openTempStore());
