/**
 * Recorded GoodWe device data the simulators are seeded with: the data bytes of the replies in
 * fixtures/goodwe/local-*.hex (headers and checksums removed), embedded so that the shipped
 * simulator reads no files.
 *
 * Source: marcelblijleven/goodwe, tests/sample/**, commit 66dfcdd9cd947bfd799f2bddb40b4e05ba9db6f6.
 * MIT License, Copyright (c) 2021 Marcel Blijleven. Permission is hereby granted, free of charge,
 * to any person obtaining a copy of this software and associated documentation files (the
 * "Software"), to deal in the Software without restriction, including without limitation the
 * rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the
 * Software, and to permit persons to whom the Software is furnished to do so, subject to the
 * following conditions: The above copyright notice and this permission notice shall be included
 * in all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT
 * WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
 * MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN
 * ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE
 * OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 */

/** local-et-GW10K-ET-device-info-fw819.hex: 33 registers from 35000. */
export const ET_DEVICE_INFO_35000 =
  "0001271000fe393031304b455455303030303030303030475731304b2d45542000080008009f001300cf30343032392d30382d53313130323034312d31392d533030";

/** local-et-GW10K-ET-running-data.hex: 125 registers from 35100. */
export const ET_RUNNING_35100 =
  "1508160b0b0c0cfe00330000069f0cfe0035000006e100000000000000000000000000000000000002020959000f138700000150096f000d13870000011f096b000b1387000000ce00010000033ffffffffd000000000000000009560006138600010000006b096d000913880001000000bd096c00021387000100000000000000e000000050000000e9000001380000020a000401fe0000024b00001f640fb209eeff9efffff63000030000002000010000000000000000edb50000007d0000b8520000241e00620000024400000001588a007400006bbd003500005f65001d0005000000010000000000000000000107000800000209ee0000";

/** local-et-GW10K-ET-meter-data.hex: 45 registers from 36000. */
export const ET_METER_36000 =
  "00010023000a00000001ffc7ffd2fffaff920538ff6fff84fff2ffb0138d462449804a46a2f9ffffffc7ffffffd2fffffffaffffff920000016c000001650000026600000538fffffe6efffffe8cfffffd8dfffffa8500010003";

/** local-et-GW10K-ET-battery-info.hex: 24 registers from 37000. */
export const ET_BATTERY_37000 = "00ff01000001015e00190019000000440063000500000101000000000000000000000000000000000000000000000000";

/** local-et-eco-mode-v2-read.hex: 6 registers from 47547. */
export const ET_ECO_V2_47547 = "0000173b007f001400640000";

/** local-dt-GW8K-DT-device-info.hex: 40 registers from 30001. */
export const DT_DEVICE_INFO_30001 =
  "000000000001303030303044545330303030303030304757384b2d4454202020ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff000003f203f2000802d8003100010000";

/** local-dt-GW8K-DT-running-data.hex: 73 registers from 30100. */
export const DT_RUNNING_30100 =
  "150818102b1b0ac3000613f40008ffffffffffffffffffffffffffffffff102910220ff0094409650930000a000a000a1390138c13880000028300010000000000000000000000000000000000000000ffff01c5ffffffffffffffffffffffffffff00200000000000000000ffffffffffffffffffffffffffffffff020018620c6000000000000002d800810000ffff0054";

/** local-es-GW5048D-ES-device-info-aa55.hex: AA55 0182 payload. */
export const ES_DEVICE_INFO_0182 =
  "3233323347475735303438442d45532331300000000000000000000000000039353034384553553232375730303030333630303431302d30343032352d3233213431302d30323033342d313603";

/** local-es-GW5048D-ES-running-data-aa55.hex: AA55 0186 payload. */
export const ES_RUNNING_0186 =
  "0000000100000000000001ee0000005000f6005f004a004a00003c003c620200000108eb0017000213770108eb001a009c1377010200e500000000000381000000b4fc007b00890004c8880189010030000217000100000005070000400000";
