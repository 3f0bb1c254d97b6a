# One INTERFACE target carries the project's language standard, warnings and Qt hygiene macros.
# Every Switchyard target links it; nothing sets flags by hand elsewhere.
add_library(switchyard_project_config INTERFACE)
add_library(Switchyard::ProjectConfig ALIAS switchyard_project_config)

target_compile_features(switchyard_project_config INTERFACE cxx_std_20)
target_compile_options(switchyard_project_config INTERFACE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wnon-virtual-dtor>
    $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>
    $<$<AND:$<CXX_COMPILER_ID:GNU,Clang>,$<BOOL:${SWITCHYARD_WERROR}>>:-Werror>)
target_compile_definitions(switchyard_project_config INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER
    BOOST_ASIO_NO_DEPRECATED
    SWITCHYARD_VERSION="${PROJECT_VERSION}")

if(SWITCHYARD_SANITIZE)
    target_compile_options(switchyard_project_config INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(switchyard_project_config INTERFACE -fsanitize=address,undefined)
endif()
