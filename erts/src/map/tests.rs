//! Tests of maps: iteration orders checked against real OTP 25 `erl`, and random operation
//! sequences checked against a `BTreeMap` model and the trie invariants.
//!
//! The expected orders below were printed by OTP 25 (erts 13.1.5) with this Erlang module
//! (`INTS_*`, `*_ODD`, `COLLIDE*`: the keys themselves; the others: the positions of the keys
//! in the generating list, as `maps:values/1` of `#{Key => Position}`):
//!
//! ```erlang
//! mixed() ->
//!     [0, -1, (1 bsl 59) - 1, 1 bsl 59, -(1 bsl 59) - 1, 1 bsl 64, (1 bsl 70) + 5, -(1 bsl 100),
//!      1.5, -2.25, 0.0, 1.0e100, [], {}, {1,2}, {1,{2,3}}, [1,2,3], "hello", "hello world!!",
//!      [1000,2000], [1|2], [300,1,2], <<>>, <<"a">>, <<"abcdefghijklm">>, <<0:200>>,
//!      binary:copy(<<"x">>, 100), <<1:3>>, <<255,1:5>>, #{1 => 2}, #{},
//!      maps:from_list([{I, I} || I <- lists:seq(1, 40)]), {[], <<"x">>, 3.0}, lists:seq(1, 40)]
//!     ++ lists:seq(100, 119).
//! perm(Keys) ->
//!     M = maps:from_list(lists:zip(Keys, lists:seq(0, length(Keys) - 1))),
//!     maps:values(M).
//! bins(N) -> [<<"key_", (integer_to_binary(I))/binary>> || I <- lists:seq(1, N)].
//! strs(N) -> [integer_to_list(I * 7919) || I <- lists:seq(1, N)].
//! longbins(N) -> [binary:copy(<<I:16>>, 40) || I <- lists:seq(1, N)].
//! floats(N) -> [I / 8 || I <- lists:seq(1, N)].
//! tuples(N) -> [{I, -I} || I <- lists:seq(1, N)].
//! %% INTS_N = maps:keys(maps:from_list([{I,I} || I <- lists:seq(1,N)]))
//! %% INTS_100_ODD: INTS_100's map with the even keys removed one by one
//! %% INTS_100_NEXT: the keys of INTS_100's map in maps:iterator/maps:next order
//! %% COLLIDE: keys 40660/59671, 22575/119693, ... have equal 32-bit hashes (salted level 8)
//! %%   Ks = [40660, 59671, 22575, 119693, 121236, 167527, 169647, 178740, 29879, 217607,
//! %%         204923, 232672] ++ lists:seq(1, 30)
//! %%   COLLIDE = maps:keys(maps:from_list([{K,K} || K <- Ks]))
//! %%   COLLIDE_PUT: the same map built with K => K puts over lists:reverse(Ks)
//! %%   COLLIDE_RM: COLLIDE's map with 59671, 119693 and 5 removed
//! ```

use super::*;
use crate::atom;
use crate::bignum;
use std::collections::BTreeMap;

const INTS_33: &[u32] = &[
    33, 12, 23, 29, 30, 26, 31, 11, 9, 32, 25, 28, 6, 13, 20, 15, 14, 2, 7, 1, 8, 3, 17, 22, 21, 4,
    24, 10, 27, 19, 5, 18, 16,
];
const INTS_100: &[u32] = &[
    33, 12, 73, 44, 23, 29, 47, 89, 61, 30, 43, 39, 45, 48, 57, 26, 69, 88, 63, 100, 71, 46, 31,
    98, 81, 11, 37, 9, 76, 32, 34, 25, 28, 85, 91, 64, 6, 72, 68, 86, 51, 80, 38, 13, 59, 40, 77,
    95, 41, 20, 78, 15, 14, 60, 2, 7, 83, 74, 99, 1, 97, 8, 3, 75, 90, 58, 55, 17, 22, 52, 87, 21,
    96, 4, 82, 36, 53, 50, 66, 24, 10, 35, 70, 56, 62, 49, 27, 84, 94, 92, 42, 19, 67, 93, 65, 5,
    54, 18, 79, 16,
];
const INTS_1000: &[u32] = &[
    912, 326, 33, 289, 518, 990, 456, 401, 168, 309, 117, 377, 579, 277, 399, 413, 477, 246, 704,
    175, 740, 621, 869, 219, 923, 492, 360, 669, 12, 192, 974, 311, 864, 327, 916, 188, 270, 157,
    564, 559, 349, 636, 132, 770, 513, 405, 73, 328, 822, 427, 716, 848, 334, 367, 410, 44, 183,
    466, 124, 690, 787, 980, 722, 788, 239, 170, 947, 574, 844, 523, 534, 23, 950, 802, 319, 808,
    29, 47, 89, 775, 689, 506, 203, 739, 548, 369, 437, 805, 568, 578, 949, 346, 61, 292, 806, 890,
    942, 572, 879, 30, 43, 163, 538, 39, 131, 875, 45, 370, 242, 235, 620, 421, 833, 609, 48, 915,
    342, 652, 987, 276, 312, 145, 247, 816, 758, 286, 171, 197, 541, 965, 968, 57, 397, 423, 331,
    493, 731, 585, 143, 386, 402, 237, 499, 221, 476, 426, 906, 696, 113, 756, 225, 743, 939, 676,
    265, 714, 274, 26, 994, 69, 539, 332, 692, 571, 552, 528, 634, 88, 863, 250, 535, 567, 602,
    366, 708, 191, 588, 166, 144, 382, 468, 209, 985, 608, 679, 849, 461, 640, 409, 771, 665, 505,
    141, 216, 152, 774, 706, 617, 63, 829, 165, 610, 904, 306, 897, 944, 560, 656, 694, 624, 934,
    100, 71, 845, 940, 682, 959, 133, 765, 495, 278, 305, 46, 791, 594, 878, 31, 229, 745, 158,
    856, 470, 544, 444, 380, 637, 724, 510, 830, 167, 545, 451, 738, 677, 98, 728, 814, 392, 508,
    419, 860, 790, 701, 635, 966, 417, 81, 644, 576, 384, 891, 777, 638, 361, 329, 462, 11, 858,
    926, 580, 993, 245, 913, 37, 521, 153, 744, 695, 883, 193, 1000, 895, 269, 705, 962, 9, 619,
    76, 837, 854, 173, 798, 781, 563, 581, 769, 32, 320, 184, 660, 710, 34, 232, 238, 255, 941,
    720, 264, 485, 734, 483, 675, 25, 335, 772, 469, 431, 945, 514, 618, 28, 479, 894, 931, 379,
    199, 266, 554, 195, 458, 222, 587, 900, 475, 919, 280, 503, 981, 658, 911, 433, 343, 434, 764,
    408, 211, 404, 872, 465, 573, 488, 642, 454, 918, 394, 804, 970, 206, 85, 914, 606, 497, 400,
    213, 867, 793, 984, 614, 782, 647, 549, 627, 776, 693, 448, 91, 504, 780, 826, 224, 120, 925,
    590, 746, 230, 847, 543, 362, 64, 194, 337, 723, 463, 308, 272, 932, 374, 937, 146, 533, 6,
    599, 526, 516, 817, 414, 223, 390, 686, 546, 929, 948, 540, 236, 336, 670, 263, 253, 344, 391,
    964, 969, 507, 938, 681, 109, 760, 339, 631, 385, 983, 268, 180, 435, 853, 995, 896, 815, 388,
    718, 373, 654, 72, 110, 989, 663, 68, 212, 595, 425, 86, 530, 991, 116, 992, 442, 288, 352, 51,
    80, 598, 831, 517, 38, 646, 218, 137, 453, 550, 126, 13, 888, 586, 59, 40, 502, 283, 123, 348,
    892, 972, 946, 584, 645, 509, 77, 351, 839, 95, 975, 130, 296, 809, 748, 290, 41, 478, 840,
    522, 389, 978, 214, 836, 20, 78, 406, 174, 699, 593, 531, 625, 737, 215, 905, 922, 491, 395,
    15, 354, 244, 678, 603, 147, 14, 766, 187, 500, 393, 823, 248, 691, 498, 555, 108, 662, 60, 2,
    472, 482, 661, 898, 909, 779, 851, 162, 103, 449, 649, 850, 249, 903, 7, 324, 338, 583, 341,
    450, 233, 707, 452, 982, 122, 140, 176, 930, 951, 83, 74, 547, 783, 673, 355, 512, 685, 139,
    99, 112, 754, 489, 418, 604, 271, 973, 855, 917, 196, 732, 420, 1, 207, 763, 910, 97, 149, 988,
    749, 104, 717, 979, 460, 8, 134, 542, 198, 186, 928, 325, 3, 378, 75, 862, 90, 350, 881, 615,
    154, 511, 151, 58, 135, 958, 752, 55, 441, 273, 181, 282, 821, 357, 228, 757, 719, 345, 562,
    827, 653, 902, 655, 446, 629, 189, 17, 243, 825, 818, 726, 971, 291, 666, 622, 551, 721, 672,
    313, 383, 340, 735, 884, 254, 347, 22, 607, 537, 813, 795, 569, 486, 566, 613, 536, 907, 835,
    641, 924, 556, 668, 321, 302, 330, 797, 532, 52, 372, 111, 220, 828, 841, 623, 429, 834, 768,
    998, 178, 605, 376, 387, 927, 838, 155, 727, 364, 358, 628, 529, 87, 436, 204, 217, 648, 467,
    592, 819, 285, 190, 893, 457, 21, 960, 412, 96, 303, 977, 200, 596, 4, 259, 986, 128, 295, 424,
    687, 159, 169, 439, 953, 480, 371, 876, 852, 575, 428, 667, 275, 119, 820, 148, 712, 82, 996,
    474, 842, 612, 36, 519, 709, 796, 416, 650, 317, 633, 177, 138, 53, 688, 674, 520, 50, 901,
    557, 66, 24, 963, 287, 443, 10, 150, 527, 846, 664, 866, 260, 473, 936, 252, 703, 597, 943,
    921, 967, 35, 859, 310, 70, 698, 632, 430, 801, 322, 659, 56, 323, 161, 356, 179, 639, 494,
    870, 591, 471, 657, 889, 365, 956, 553, 832, 102, 284, 952, 874, 792, 582, 715, 861, 464, 976,
    954, 293, 396, 773, 257, 381, 363, 700, 885, 142, 62, 626, 643, 438, 778, 680, 353, 789, 713,
    262, 105, 375, 683, 600, 957, 251, 616, 794, 887, 127, 877, 240, 997, 711, 455, 759, 865, 800,
    359, 577, 432, 684, 121, 811, 49, 886, 125, 725, 300, 490, 160, 515, 868, 810, 899, 27, 281,
    702, 755, 484, 299, 84, 94, 871, 256, 761, 201, 208, 185, 92, 42, 19, 611, 411, 803, 589, 67,
    279, 93, 751, 234, 807, 440, 106, 65, 422, 101, 182, 999, 261, 570, 459, 318, 298, 561, 753,
    241, 812, 961, 156, 297, 231, 202, 920, 368, 785, 933, 301, 741, 129, 880, 767, 114, 118, 729,
    651, 314, 487, 5, 496, 955, 398, 565, 333, 307, 671, 481, 316, 730, 742, 857, 54, 407, 762,
    403, 18, 415, 558, 304, 210, 524, 205, 750, 79, 136, 172, 799, 736, 843, 227, 445, 501, 115,
    258, 525, 315, 784, 107, 630, 935, 267, 294, 447, 873, 601, 164, 824, 226, 733, 908, 697, 786,
    882, 16, 747,
];
const BINS_100: &[u32] = &[
    67, 45, 15, 17, 23, 86, 63, 21, 44, 20, 36, 5, 65, 31, 53, 7, 33, 51, 25, 6, 85, 91, 16, 87,
    54, 73, 14, 18, 95, 32, 39, 94, 84, 1, 47, 93, 64, 12, 81, 82, 74, 8, 22, 28, 83, 34, 11, 9,
    27, 72, 89, 37, 90, 13, 70, 59, 96, 60, 48, 75, 88, 26, 80, 41, 79, 2, 10, 4, 29, 30, 0, 58,
    76, 56, 19, 99, 38, 46, 68, 50, 52, 71, 77, 61, 49, 97, 69, 92, 57, 3, 62, 24, 98, 35, 78, 40,
    66, 43, 55, 42,
];
const STRS_100: &[u32] = &[
    75, 19, 81, 13, 73, 48, 12, 54, 15, 82, 61, 49, 50, 0, 25, 52, 37, 99, 91, 93, 24, 33, 17, 31,
    96, 38, 90, 20, 28, 16, 39, 69, 71, 3, 59, 21, 41, 47, 72, 29, 11, 85, 79, 58, 40, 23, 66, 43,
    65, 97, 51, 8, 56, 80, 86, 14, 60, 83, 67, 2, 92, 87, 35, 76, 84, 4, 45, 55, 36, 30, 46, 95, 6,
    64, 57, 10, 70, 27, 53, 26, 22, 94, 89, 5, 62, 77, 44, 74, 68, 18, 1, 98, 34, 7, 32, 78, 42, 9,
    88, 63,
];
const LONGBINS_50: &[u32] = &[
    36, 26, 0, 12, 48, 3, 45, 35, 1, 37, 14, 32, 29, 6, 5, 47, 15, 4, 17, 41, 28, 11, 40, 43, 19,
    25, 46, 2, 8, 22, 20, 34, 49, 13, 33, 24, 30, 39, 21, 10, 23, 9, 38, 16, 7, 44, 31, 42, 18, 27,
];
const FLOATS_60: &[u32] = &[
    46, 9, 39, 57, 38, 51, 48, 44, 29, 59, 17, 24, 37, 5, 10, 0, 55, 41, 58, 4, 14, 43, 12, 32, 40,
    54, 20, 31, 50, 56, 36, 11, 1, 13, 47, 30, 45, 16, 7, 19, 42, 33, 23, 34, 49, 2, 3, 25, 35, 22,
    52, 8, 53, 27, 21, 26, 28, 18, 15, 6,
];
const TUPLES_60: &[u32] = &[
    53, 45, 24, 29, 42, 54, 19, 6, 34, 1, 27, 40, 59, 39, 11, 25, 13, 36, 31, 43, 20, 3, 17, 44,
    18, 57, 52, 51, 8, 55, 10, 2, 46, 37, 16, 9, 30, 7, 47, 22, 28, 58, 41, 12, 23, 50, 15, 33, 5,
    35, 56, 49, 21, 26, 4, 14, 0, 32, 48, 38,
];
const MIXED: &[u32] = &[
    51, 32, 21, 14, 11, 19, 33, 2, 47, 20, 34, 18, 4, 30, 28, 23, 43, 44, 6, 0, 50, 25, 8, 42, 37,
    17, 22, 46, 26, 38, 27, 31, 45, 1, 53, 10, 12, 29, 9, 36, 16, 3, 5, 15, 13, 39, 7, 40, 35, 24,
    48, 52, 49, 41,
];
const INTS_100_ODD: &[u32] = &[
    33, 73, 23, 29, 47, 89, 61, 43, 39, 45, 57, 69, 63, 71, 31, 81, 11, 37, 9, 25, 85, 91, 51, 13,
    59, 77, 95, 41, 15, 7, 83, 99, 1, 97, 3, 75, 55, 17, 87, 21, 53, 35, 49, 27, 19, 67, 93, 65, 5,
    79,
];
const INTS_100_NEXT: &[u32] = &[
    16, 79, 18, 54, 5, 65, 93, 67, 19, 42, 92, 94, 84, 27, 49, 62, 56, 70, 35, 10, 24, 66, 50, 53,
    36, 82, 4, 96, 21, 87, 52, 22, 17, 55, 58, 90, 75, 3, 8, 97, 1, 99, 74, 83, 7, 2, 60, 14, 15,
    78, 20, 41, 95, 77, 40, 59, 13, 38, 80, 51, 86, 68, 72, 6, 64, 91, 85, 28, 25, 34, 32, 76, 9,
    37, 11, 81, 98, 31, 46, 71, 100, 63, 88, 69, 26, 57, 48, 45, 39, 43, 30, 61, 89, 47, 29, 23,
    44, 73, 12, 33,
];
const COLLIDE: &[u32] = &[
    12, 23, 29, 30, 26, 40660, 59671, 11, 9, 25, 28, 119693, 22575, 6, 13, 20, 15, 14, 2, 7, 1, 8,
    3, 204923, 232672, 29879, 217607, 17, 22, 21, 4, 24, 10, 167527, 121236, 27, 19, 5, 18, 169647,
    178740, 16,
];
const COLLIDE_PUT: &[u32] = &[
    12, 23, 29, 30, 26, 40660, 59671, 11, 9, 25, 28, 119693, 22575, 6, 13, 20, 15, 14, 2, 7, 1, 8,
    3, 204923, 232672, 29879, 217607, 17, 22, 21, 4, 24, 10, 167527, 121236, 27, 19, 5, 18, 169647,
    178740, 16,
];
const COLLIDE_RM: &[u32] = &[
    12, 23, 29, 30, 26, 40660, 11, 9, 25, 28, 22575, 6, 13, 20, 15, 14, 2, 7, 1, 8, 3, 204923,
    232672, 29879, 217607, 17, 22, 21, 4, 24, 10, 167527, 121236, 27, 19, 18, 169647, 178740, 16,
];

fn int_map(h: &mut Heap, keys: impl IntoIterator<Item = i64>) -> Term {
    let pairs: Vec<(Term, Term)> = keys
        .into_iter()
        .map(|i| (Term::small(i), Term::small(i)))
        .collect();
    from_pairs(h, &pairs)
}

fn keys_of(m: Term) -> Vec<i64> {
    iter_pairs(m).iter().map(|p| p.0.small_value()).collect()
}

fn expect(e: &[u32]) -> Vec<i64> {
    e.iter().map(|&x| x as i64).collect()
}

/// The positions (values) of `#{Key => Position}` in `maps:values/1` order.
fn perm_of(h: &mut Heap, keys: &[Term]) -> Vec<u32> {
    let pairs: Vec<(Term, Term)> = keys
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, Term::small(i as i64)))
        .collect();
    let m = from_pairs(h, &pairs);
    assert_eq!(size(m), keys.len(), "keys are distinct");
    check_invariants(m);
    iter_pairs(m)
        .iter()
        .map(|p| p.1.small_value() as u32)
        .collect()
}

/// Checks the layout: flat iff at most 32 keys, bitmaps match children, the trie is canonical
/// and every key sits where its hash says.
fn check_invariants(m: Term) {
    assert!(m.is_map());
    let n = size(m);
    if kind(m) == Kind::Flat {
        assert!(n <= SMALL_MAP_LIMIT);
        let ks = flat_keys(m);
        assert_eq!(ks.len(), n);
        for w in ks.windows(2) {
            assert_eq!(compare(w[0], w[1], true), Ordering::Less);
        }
        return;
    }
    assert_eq!(kind(m), Kind::Head);
    assert!(n > SMALL_MAP_LIMIT, "a HAMT of {n} keys");
    let mut count = 0;
    fn walk(node: Term, prefix: &mut Vec<u32>, count: &mut usize) {
        let bm = bitmap(node);
        let kids = children(node);
        assert_eq!(bm.count_ones() as usize, kids.len());
        if kind(node) == Kind::Node {
            assert!(!(kids.len() == 1 && kids[0].is_list()), "uncollapsed node");
            assert!(!kids.is_empty());
        }
        let mut i = 0;
        for s in 0..16u32 {
            if bm & (1 << s) == 0 {
                continue;
            }
            let c = kids[i];
            i += 1;
            prefix.push(s);
            if c.is_list() {
                *count += 1;
                for (l, &ps) in prefix.iter().enumerate() {
                    assert_eq!(Cursor::at(c.head(), l as u32).slot(), ps);
                }
            } else {
                assert!(c.is_map());
                assert_eq!(kind(c), Kind::Node);
                walk(c, prefix, count);
            }
            prefix.pop();
        }
    }
    walk(m, &mut Vec::new(), &mut count);
    assert_eq!(count, n);
}

#[test]
fn int_orders_match_otp() {
    let mut h = Heap::default();
    for (n, e) in [(33, INTS_33), (100, INTS_100), (1000, INTS_1000)] {
        let m = int_map(&mut h, 1..=n);
        check_invariants(m);
        assert_eq!(keys_of(m), expect(e), "from_pairs of 1..{n}");
        // The same map built by puts, from empty, in another order.
        let mut m2 = from_pairs(&mut h, &[]);
        for i in (1..=n).rev() {
            m2 = put(&mut h, m2, Term::small(i), Term::small(i));
        }
        check_invariants(m2);
        assert_eq!(keys_of(m2), expect(e), "puts of 1..{n}");
        assert!(crate::term::compare::exact_eq(m, m2));
    }
}

#[test]
fn removal_order_matches_otp() {
    let mut h = Heap::default();
    let mut m = int_map(&mut h, 1..=100);
    for i in (2..=100).step_by(2) {
        m = remove(&mut h, m, Term::small(i));
        check_invariants(m);
    }
    assert_eq!(keys_of(m), expect(INTS_100_ODD));
}

#[test]
fn iterator_order_matches_otp() {
    let mut h = Heap::default();
    let m = int_map(&mut h, 1..=100);
    let ks: Vec<i64> = iterator_pairs(m)
        .iter()
        .map(|p| p.0.small_value())
        .collect();
    assert_eq!(ks, expect(INTS_100_NEXT));
    // Batches chained through their paths give the same order.
    let mut got = Vec::new();
    let mut path: Vec<u8> = vec![0];
    loop {
        let p = path.clone();
        let b = next_batch(m, |i| p.get(i).copied().unwrap_or(0), 7).unwrap();
        got.extend(b.pairs.iter().map(|p| p.0.small_value()));
        match b.next_path {
            Some(np) => path = np,
            None => break,
        }
    }
    assert_eq!(got, expect(INTS_100_NEXT));
}

#[test]
fn next_batch_path_like_otp() {
    // erts_internal:map_next(0, M, []) on 1..33 takes 32 pairs and continues at path 30.
    let mut h = Heap::default();
    let m = int_map(&mut h, 1..=33);
    let b = next_batch(m, |_| 0, 32).unwrap();
    assert_eq!(b.pairs.len(), 32);
    assert_eq!(b.pairs[0].0, Term::small(16));
    let np = b.next_path.unwrap();
    let path: u64 = np
        .iter()
        .enumerate()
        .map(|(i, &d)| (d as u64) << (4 * i))
        .sum();
    assert_eq!(path, 30);
    let b2 = next_batch(m, |i| np.get(i).copied().unwrap_or(0), 32).unwrap();
    assert_eq!(b2.pairs, vec![(Term::small(33), Term::small(33))]);
    assert!(b2.next_path.is_none());
    // A path naming a missing child is badarg.
    assert!(next_batch(m, |_| 15, 1).is_err());
}

#[test]
fn collisions_use_salted_hash_like_otp() {
    let mut h = Heap::default();
    let ks: Vec<i64> = [
        40660, 59671, 22575, 119693, 121236, 167527, 169647, 178740, 29879, 217607, 204923, 232672,
    ]
    .into_iter()
    .chain(1..=30)
    .collect();
    assert_eq!(
        hash::map_hash(Term::small(40660), 0),
        hash::map_hash(Term::small(59671), 0)
    );
    let m = int_map(&mut h, ks.iter().copied());
    check_invariants(m);
    assert_eq!(keys_of(m), expect(COLLIDE));
    let mut m2 = from_pairs(&mut h, &[]);
    for &k in ks.iter().rev() {
        m2 = put(&mut h, m2, Term::small(k), Term::small(k));
    }
    check_invariants(m2);
    assert_eq!(keys_of(m2), expect(COLLIDE_PUT));
    for k in ks.iter() {
        assert_eq!(get(m2, Term::small(*k)), Some(Term::small(*k)));
    }
    let mut m3 = m;
    for k in [59671, 119693, 5] {
        m3 = remove(&mut h, m3, Term::small(k));
        check_invariants(m3);
    }
    assert_eq!(keys_of(m3), expect(COLLIDE_RM));
    // erts_internal:map_next(0, M, []) stops at path 26 after 32 pairs, the last one 28.
    let b = next_batch(m, |_| 0, 32).unwrap();
    assert_eq!(b.pairs[31].0, Term::small(28));
    let np = b.next_path.unwrap();
    assert_eq!(np, vec![10, 1]);
}

fn bytes_key(h: &mut Heap, b: &[u8]) -> Term {
    boxed::binary(h, b)
}

#[test]
fn binary_string_float_tuple_orders_match_otp() {
    let mut h = Heap::default();
    let bins: Vec<Term> = (1..=100)
        .map(|i| bytes_key(&mut h, format!("key_{i}").as_bytes()))
        .collect();
    assert_eq!(perm_of(&mut h, &bins), BINS_100);
    let strs: Vec<Term> = (1..=100)
        .map(|i| boxed::string(&mut h, format!("{}", i * 7919).chars().map(|c| c as u32)))
        .collect();
    assert_eq!(perm_of(&mut h, &strs), STRS_100);
    let longbins: Vec<Term> = (1..=50u16)
        .map(|i| {
            let b: Vec<u8> = i.to_be_bytes().repeat(40);
            bytes_key(&mut h, &b)
        })
        .collect();
    assert_eq!(perm_of(&mut h, &longbins), LONGBINS_50);
    let floats: Vec<Term> = (1..=60)
        .map(|i| boxed::float(&mut h, i as f64 / 8.0))
        .collect();
    assert_eq!(perm_of(&mut h, &floats), FLOATS_60);
    let tuples: Vec<Term> = (1..=60)
        .map(|i| boxed::tuple(&mut h, &[Term::small(i), Term::small(-i)]))
        .collect();
    assert_eq!(perm_of(&mut h, &tuples), TUPLES_60);
}

#[test]
fn mixed_keys_order_matches_otp() {
    let mut h = Heap::default();
    let h = &mut h;
    let s = |h: &mut Heap, t: &str| boxed::string(h, t.chars().map(|c| c as u32));
    let small = |v: i64| Term::small(v);
    let mut keys = vec![
        small(0),
        small(-1),
        small(crate::term::MAX_SMALL),
        bignum::from_i128(h, 1 << 59),
        bignum::from_i128(h, -(1 << 59) - 1),
        bignum::from_i128(h, 1 << 64),
        bignum::from_i128(h, (1 << 70) + 5),
        bignum::from_i128(h, -(1 << 100)),
        boxed::float(h, 1.5),
        boxed::float(h, -2.25),
        boxed::float(h, 0.0),
        boxed::float(h, 1.0e100),
        Term::NIL,
        boxed::tuple(h, &[]),
        boxed::tuple(h, &[small(1), small(2)]),
    ];
    let t23 = boxed::tuple(h, &[small(2), small(3)]);
    keys.push(boxed::tuple(h, &[small(1), t23]));
    keys.push(boxed::list(h, &[small(1), small(2), small(3)]));
    keys.push(s(h, "hello"));
    keys.push(s(h, "hello world!!"));
    keys.push(boxed::list(h, &[small(1000), small(2000)]));
    keys.push(boxed::cons(h, small(1), small(2)));
    keys.push(boxed::list(h, &[small(300), small(1), small(2)]));
    keys.push(bytes_key(h, b""));
    keys.push(bytes_key(h, b"a"));
    keys.push(bytes_key(h, b"abcdefghijklm"));
    keys.push(bytes_key(h, &[0; 25]));
    keys.push(bytes_key(h, &[b'x'; 100]));
    // <<1:3>> and <<255,1:5>> as sub binaries; the first at a bit offset.
    let base = bytes_key(h, &[0b0000_0010, 0]);
    keys.push(boxed::sub_binary(h, base, 4, 3));
    let base2 = bytes_key(h, &[255, 0b0000_1000]);
    keys.push(boxed::sub_binary(h, base2, 0, 13));
    keys.push(from_pairs(h, &[(small(1), small(2))]));
    keys.push(from_pairs(h, &[]));
    keys.push(int_map(h, 1..=40));
    let x = bytes_key(h, b"x");
    let f3 = boxed::float(h, 3.0);
    keys.push(boxed::tuple(h, &[Term::NIL, x, f3]));
    let seq: Vec<Term> = (1..=40).map(small).collect();
    keys.push(boxed::list(h, &seq));
    keys.extend((100..=119).map(small));
    assert_eq!(perm_of(h, &keys), MIXED);
}

/// A tiny deterministic generator for the random tests.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Keys of the random tests: small integers, and binaries for some of them.
fn rkey(h: &mut Heap, k: i64) -> Term {
    if k % 5 == 0 {
        boxed::binary(h, format!("b{k}").as_bytes())
    } else {
        Term::small(k)
    }
}

#[test]
fn random_operations_match_model() {
    let mut h = Heap::default();
    for seed in 1..=6u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let range = [40, 80, 300, 2000, 60, 1000][seed as usize - 1];
        let mut model: BTreeMap<i64, i64> = BTreeMap::new();
        let mut m = from_pairs(&mut h, &[]);
        for step in 0..3000 {
            let k = rng.below(range) as i64;
            let kt = rkey(&mut h, k);
            match rng.below(10) {
                0..=4 => {
                    let v = rng.below(1000) as i64;
                    m = put(&mut h, m, kt, Term::small(v));
                    model.insert(k, v);
                }
                5..=6 => {
                    let r = take(&mut h, m, kt);
                    match model.remove(&k) {
                        Some(v) => {
                            let (got, m2) = r.expect("key present");
                            assert_eq!(got, Term::small(v));
                            m = m2;
                        }
                        None => assert!(r.is_none()),
                    }
                }
                7 => {
                    let v = rng.below(1000) as i64;
                    let r = update(&mut h, m, kt, Term::small(v));
                    if let Some(old) = model.get_mut(&k) {
                        *old = v;
                        m = r.expect("update of a present key");
                    } else {
                        assert!(r.is_none());
                    }
                }
                _ => {
                    let got = get(m, kt).map(|t| t.small_value());
                    assert_eq!(got, model.get(&k).copied());
                }
            }
            assert_eq!(size(m), model.len());
            if step % 97 == 0 {
                check_invariants(m);
                let mut got: Vec<(i64, i64)> = Vec::new();
                for (kt, vt) in sorted_pairs(m) {
                    let k = if kt.is_small() {
                        kt.small_value()
                    } else {
                        let b = boxed::binary_bytes(kt).unwrap();
                        std::str::from_utf8(&b[1..]).unwrap().parse().unwrap()
                    };
                    got.push((k, vt.small_value()));
                }
                got.sort();
                let want: Vec<(i64, i64)> = model.iter().map(|(&k, &v)| (k, v)).collect();
                assert_eq!(got, want, "seed {seed} step {step}");
                // Any two maps with the same pairs are equal and iterate alike.
                let rebuilt = from_pairs(&mut h, &sorted_pairs(m));
                assert!(crate::term::compare::exact_eq(m, rebuilt));
                assert_eq!(iter_pairs(m), iter_pairs(rebuilt));
            }
        }
    }
}

#[test]
fn merge_and_conversions() {
    let mut h = Heap::default();
    let a = int_map(&mut h, 1..=20);
    let b = int_map(&mut h, 15..=40);
    let m = merge(&mut h, a, b);
    check_invariants(m);
    assert_eq!(size(m), 40);
    let big = int_map(&mut h, 1..=100);
    let small_over = from_pairs(&mut h, &[(Term::small(5), Term::NIL)]);
    let m1 = merge(&mut h, big, small_over);
    assert_eq!(get(m1, Term::small(5)), Some(Term::NIL));
    let m2 = merge(&mut h, small_over, big);
    assert_eq!(get(m2, Term::small(5)), Some(Term::small(5)));
    assert_eq!(size(m2), 100);
    check_invariants(m1);
    check_invariants(m2);
    // A HAMT shrinking to 32 keys becomes a flatmap again.
    let mut m = int_map(&mut h, 1..=33);
    assert!(is_hamt(m));
    m = remove(&mut h, m, Term::small(1));
    assert!(!is_hamt(m));
    check_invariants(m);
    // Putting an identical value returns the same map.
    let same = put(&mut h, big, Term::small(7), Term::small(7));
    assert_eq!(same, big);
}

#[test]
fn atom_keys_are_consistent() {
    // Atom hashes depend on atom indices, so OTP's order cannot be reproduced; check the
    // structure and that lookups work.
    let mut h = Heap::default();
    let pairs: Vec<(Term, Term)> = (0..200)
        .map(|i| (Term::atom(atom::atom(&format!("key_{i}"))), Term::small(i)))
        .collect();
    let m = from_pairs(&mut h, &pairs);
    check_invariants(m);
    for &(k, v) in &pairs {
        assert_eq!(get(m, k), Some(v));
    }
}

/// `put_many` with several pairs, in any order and with repeated keys (a later pair wins):
/// into flatmaps, across the flat size and into hash maps, against a model.
#[test]
fn put_many_of_unsorted_pairs_matches_model() {
    let mut h = Heap::default();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for round in 0..400 {
        let range = [10, 40, 200][round % 3];
        let mut model: BTreeMap<i64, i64> = BTreeMap::new();
        let mut m = from_pairs(&mut h, &[]);
        for _ in 0..12 {
            let n = 1 + rng.below(5) as usize;
            let mut pairs = Vec::new();
            for _ in 0..n {
                let k = rng.below(range) as i64;
                let v = rng.below(1000) as i64;
                pairs.push((rkey(&mut h, k), Term::small(v)));
                model.insert(k, v);
            }
            m = put_many(&mut h, m, &pairs);
            assert_eq!(size(m), model.len(), "round {round}");
            check_invariants(m);
            for (&k, &v) in &model {
                let kt = rkey(&mut h, k);
                assert_eq!(get(m, kt), Some(Term::small(v)), "round {round} key {k}");
            }
        }
    }
}
